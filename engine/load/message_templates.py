"""Message templates may only choose wording: a small, checked subset of Jinja.

They are rendered for every finding, so {{ 9**999999999 }}, {{ 1/0 }}, range(10**9) or a huge
"%09999999d"|format(1) would hang or crash an evaluation: arithmetic, calls, loops and most filters
are refused when the ruleset loads.
"""
from __future__ import annotations

import jinja2
import jinja2.nodes

_TEMPLATE_CHECK = jinja2.Environment(undefined=jinja2.StrictUndefined)

MAX_TEMPLATE = 2_000
_TEMPLATE_NODES = {getattr(jinja2.nodes, n) for n in (
    "Template", "Output", "TemplateData", "Name", "Const", "If", "Compare", "Operand", "And", "Or", "Not", "Neg", "Pos",
    "CondExpr", "Filter", "Test", "Getattr", "Getitem", "Concat", "Add", "Sub", "List", "Tuple", "Keyword")}
_TEMPLATE_FILTERS = {"int", "float", "round", "abs", "default", "d", "lower", "upper", "string", "trim", "length", "count",
                     "e", "escape", "join", "select", "reject", "first", "last"}
_TEMPLATE_TESTS = {"sameas", "none", "defined", "undefined", "number", "string", "boolean", "true", "false", "integer",
                   "float", "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "gt", "greaterthan", ">", "le",
                   "<=", "ge", ">=", "in", "mapping", "sequence"}


def template_problem(template: str) -> tuple[str, str | None] | None:
    """(problem, suggestion) when a message template is too long, malformed or does more than choose wording."""
    if len(template) > MAX_TEMPLATE:
        return f"a message of {len(template):,} characters; the limit is {MAX_TEMPLATE:,}", None
    try:
        tree = _TEMPLATE_CHECK.parse(template)
    except jinja2.TemplateSyntaxError as exc:
        return f"template error: {exc.message} (line {exc.lineno} of the text)", None
    except RecursionError:
        return "template error: nested too deeply", None
    allowed = ("use {{ variable }}, {% if %} and comparisons, raw.<variable>, and the filters "
               + ", ".join(sorted(_TEMPLATE_FILTERS)))
    for node in tree.find_all(jinja2.nodes.Node):
        if type(node) not in _TEMPLATE_NODES:
            return f"template error: '{type(node).__name__}' is not allowed in a message", allowed
        if isinstance(node, jinja2.nodes.Filter) and node.name not in _TEMPLATE_FILTERS:
            return f"template error: the filter '{node.name}' is not allowed in a message", allowed
        if isinstance(node, jinja2.nodes.Filter) and node.name in ("select", "reject") and any(
                not isinstance(a, jinja2.nodes.Const) or a.value not in _TEMPLATE_TESTS for a in node.args[:1]):
            return f"template error: '{node.name}' takes no test or one of the allowed tests", allowed
        if isinstance(node, jinja2.nodes.Test) and node.name not in _TEMPLATE_TESTS:
            return f"template error: the test '{node.name}' is not allowed in a message", allowed
    return None
