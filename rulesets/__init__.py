"""Package data: the built-in rulesets (found through fazhi.resources). This file makes the folder importable as fazhi.rulesets in both a wheel and an editable install."""
