"""Fazhi (法治): a rule-based compliance checklist engine for law-based-government requirements."""
from fazhi.evaluate.evaluator import Evaluator
from fazhi.load.facts_loader import load_case
from fazhi.load.ruleset_loader import load_catalogue

__all__ = ["Evaluator", "load_case", "load_catalogue"]
__version__ = "0.1.0"
