"""Parse a requirement's variables and conditions from YAML into the typed condition tree.

The operator vocabulary is closed: anything else is a load error with a suggestion, found by
`fazhi validate` before any case runs. Types are checked here too, so a date is never compared
with a number and a bool is never ordered.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Mapping

from fazhi.errors import did_you_mean
from fazhi.model.conditions import (AllOf, AnyOf, Compare, Condition, Exists, InnerRef, Literal, NotOf, Op, Operand, Var, VarKind, VarRef)
from fazhi.model.catalogue import FactSpec
from fazhi.vocabulary import FactType, Text, ValueKind
from fazhi.load.facts_loader import MAX_DIGITS, MAX_MAGNITUDE, MAX_PLACES, MAX_TEXT, _precision
from fazhi.load.schema import Reader, to_decimal
from fazhi.load.yamlio import Path

COMPARISONS = tuple(op.value for op in Op)
CONNECTIVES = ("all", "any", "not", "in", "exists")
OPERATORS = COMPARISONS + CONNECTIVES
VAR_FORMS = tuple(k.value for k in VarKind)
NAME = r"[a-z][a-z0-9_]{0,40}"
ORDERED = (ValueKind.NUMBER, ValueKind.DATE)
# The engine reads no exponent notation, so computed magnitudes below 1e-4 travel clamped to ±0.0001
# (measures.engine_value); constants of at least 0.001 therefore still compare exactly with them.
MIN_LITERAL = Decimal("0.001")
RESERVED = ("kind", "ref", "id", "sid", "record", "raw")
MAX_YEAR_OFFSET = 5

_TYPE_KIND = {FactType.BOOL: ValueKind.BOOL, FactType.INT: ValueKind.NUMBER, FactType.NUMBER: ValueKind.NUMBER,
              FactType.PERCENT: ValueKind.NUMBER, FactType.DATE: ValueKind.DATE, FactType.TEXT: ValueKind.TEXT,
              FactType.ENUM: ValueKind.TEXT}


def value_kind(ftype: FactType) -> ValueKind | None:
    return _TYPE_KIND.get(ftype)


class ConditionParser:
    """Parses the `vars` and conditions of one requirement against the fact vocabulary."""

    def __init__(self, reader: Reader, facts: Mapping[str, FactSpec], for_each: str | None):
        self.r = reader
        self.facts = facts
        self.record_spec = facts.get(for_each) if for_each else None
        self.vars: dict[str, Var] = {}
        self._failed: set[str] = set()  # declared but invalid: already reported, so not "unknown" again
        self._choices: dict[str, tuple[str, ...]] = {}

    # --- variables -------------------------------------------------------------------------

    def parse_vars(self, path: Path) -> tuple[Var, ...]:
        raw = self.r.get(path)
        if not isinstance(raw, dict) or not raw:
            self.r.problem(path, "a requirement needs 'vars': the facts and measures it reads")
            return ()
        for name in raw:
            self._parse_var(path + (name,), name)
        return tuple(self.vars.values())

    def _parse_var(self, path: Path, name: str) -> None:
        if not re.fullmatch(NAME, name) or name in RESERVED:
            self.r.problem(path, f"variable name '{name}' must be lower_snake_case and not one of {', '.join(RESERVED)}")
            return
        spec = self.r.mapping(path, optional=VAR_FORMS + ("label", "unit"))
        if spec is None:
            self._failed.add(name)
            return
        forms = [k for k in spec if k in VAR_FORMS]
        if len(forms) != 1:
            self.r.problem(path, f"variable '{name}' needs exactly one of: {', '.join(VAR_FORMS)}")
            self._failed.add(name)
            return
        kind = VarKind(forms[0])
        arg = spec[forms[0]]
        label = self.r.text(path + ("label",), optional=True)
        unit = self.r.text(path + ("unit",), optional=True)
        var = self._build_var(path + (forms[0],), name, kind, arg, label, unit)
        if var is not None:
            self.vars[name] = var
        else:
            self._failed.add(name)

    def _build_var(self, path: Path, name: str, kind: VarKind, arg: Any, label: Text | None,
                   unit: Text | None) -> Var | None:
        if kind in (VarKind.FACT, VarKind.COUNT):
            spec = self._fact(path, arg)
            if spec is None:
                return None
            if kind is VarKind.COUNT:
                if spec.type is not FactType.RECORDS:
                    self.r.problem(path, f"'count' needs a records fact; '{arg}' is {spec.type.value}")
                    return None
                return Var(name, kind, ValueKind.NUMBER, (arg,), label or spec.label, unit)
            vk = value_kind(spec.type)
            if vk is None:
                self.r.problem(path, f"'{arg}' is a records fact: use 'count', 'for_each' or 'exists'")
                return None
            self._choices[name] = spec.choices
            return Var(name, kind, vk, (arg,), label or spec.label, unit or spec.unit)
        if kind is VarKind.FIELD:
            if self.record_spec is None:
                self.r.problem(path, "'field' variables need 'for_each' on the requirement")
                return None
            if arg == "id":
                return Var(name, kind, ValueKind.TEXT, ("id",), label or Text("编号", "ID"), unit)
            fspec = self.record_spec.field_spec(str(arg))
            if fspec is None:
                names = [f.name for f in self.record_spec.fields]
                self.r.problem(path, f"'{self.record_spec.key}' has no field '{arg}'", did_you_mean(str(arg), names))
                return None
            self._choices[name] = fspec.choices
            return Var(name, kind, _TYPE_KIND[fspec.type], (fspec.name,), label or fspec.label, unit or fspec.unit)
        if kind is VarKind.DATE_IN_YEAR:
            if not isinstance(arg, dict) or set(arg) - {"offset", "month", "day"} or not {"month", "day"} <= set(arg):
                self.r.problem(path, "date_in_year needs {month, day} and an optional year offset")
                return None
            offset, month, day = (arg.get(k, 0) for k in ("offset", "month", "day"))
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (offset, month, day)):
                self.r.problem(path, "date_in_year takes whole numbers: {offset, month, day}")
                return None
            if not -MAX_YEAR_OFFSET <= offset <= MAX_YEAR_OFFSET:
                self.r.problem(path, f"a year offset of {offset}; the limit is ±{MAX_YEAR_OFFSET}")
                return None
            try:
                dt.date(2001, month, day)  # not a leap year: 29 February is not in every period
            except ValueError:
                self.r.problem(path, "date_in_year has no such month/day (29 February is not in every year)")
                return None
            return Var(name, kind, ValueKind.DATE, (offset, month, day),
                       label or Text(f"{month}月{day}日", f"{month}/{day}"), unit)
        # percent / days / workdays combine two earlier variables
        if not isinstance(arg, list) or len(arg) != 2 or not all(isinstance(a, str) for a in arg):
            self.r.problem(path, f"'{kind.value}' takes two earlier variable names, e.g. [part, total]")
            return None
        need = ValueKind.NUMBER if kind is VarKind.PERCENT else ValueKind.DATE
        for i, ref in enumerate(arg):
            var = self.vars.get(ref)
            if var is None and ref in self._failed:
                return None
            if var is None:
                self.r.problem(path + (i,), f"unknown variable '{ref}' (declare it above)", did_you_mean(ref, self.vars))
                return None
            if var.value_kind is not need:
                self.r.problem(path + (i,), f"'{kind.value}' needs {need.value} variables; '{ref}' is {var.value_kind.value}")
                return None
        if label is None:
            self.r.problem(path[:-1], f"variable '{name}' needs a label {{zh, en}}")
            return None
        default_unit = {VarKind.PERCENT: Text("%", "%"), VarKind.DAYS: Text("日", "days"),
                        VarKind.WORKDAYS: Text("个工作日", "working days")}[kind]
        return Var(name, kind, ValueKind.NUMBER, tuple(arg), label, unit or default_unit)

    def _fact(self, path: Path, key: Any) -> FactSpec | None:
        spec = self.facts.get(str(key))
        if spec is None:
            self.r.problem(path, f"undeclared fact '{key}'", did_you_mean(str(key), self.facts))
        return spec

    # --- conditions --------------------------------------------------------------------------

    def parse(self, path: Path, inner: FactSpec | None = None) -> Condition | None:
        raw = self.r.get(path)
        if not isinstance(raw, dict) or len(raw) != 1:
            self.r.problem(path, "a condition is a mapping with exactly one operator",
                           f"operators: {', '.join(OPERATORS)}")
            return None
        (op, arg), = raw.items()
        sub = path + (op,)
        if op in ("all", "any"):
            if not isinstance(arg, list) or not arg:
                self.r.problem(sub, f"'{op}' takes a non-empty list of conditions")
                return None
            items = [self.parse(sub + (i,), inner) for i in range(len(arg))]
            if any(i is None for i in items):
                return None
            return (AllOf if op == "all" else AnyOf)(tuple(items))  # type: ignore[arg-type]
        if op == "not":
            item = self.parse(sub, inner)
            return NotOf(item) if item is not None else None
        if op == "in":
            if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[1], list) or not arg[1]:
                self.r.problem(sub, "'in' takes [variable, [value, value, ...]]")
                return None
            left = self._operand(sub + (0,), arg[0], inner)
            compares = [self._compare(sub, Op.EQ, left, self._operand(sub + (1, i), v, inner))
                        for i, v in enumerate(arg[1])]
            if left is None or any(c is None for c in compares):
                return None
            return AnyOf(tuple(compares))  # type: ignore[arg-type]
        if op == "exists":
            if inner is not None:
                self.r.problem(sub, "'exists' cannot be nested")
                return None
            return self._exists(sub, arg)
        if op in COMPARISONS:
            if not isinstance(arg, list) or len(arg) != 2:
                self.r.problem(sub, f"'{op}' takes two operands, e.g. {{{op}: [share, 5]}}")
                return None
            left = self._operand(sub + (0,), arg[0], inner)
            right = self._operand(sub + (1,), arg[1], inner)
            return self._compare(sub, Op(op), left, right)
        self.r.problem(path + (op,), f"unknown operator '{op}'",
                       did_you_mean(str(op), OPERATORS) or f"operators: {', '.join(OPERATORS)}")
        return None

    def _exists(self, path: Path, arg: Any) -> Condition | None:
        spec = self.r.mapping(path, required=("records", "where"))
        if spec is None:
            return None
        records = self._fact(path + ("records",), spec.get("records"))
        if records is None:
            return None
        if records.type is not FactType.RECORDS:
            self.r.problem(path + ("records",), f"'{records.key}' is not a records fact")
            return None
        where = self.parse(path + ("where",), inner=records)
        if where is None:
            return None
        items = where.items if isinstance(where, AllOf) else (where,)
        if not all(isinstance(i, Compare) for i in items):
            self.r.problem(path + ("where",), "'exists.where' takes comparisons, or 'all' of comparisons",
                           "split alternatives into separate requirements")
            return None
        if not all(isinstance(i.left, InnerRef) or isinstance(i.right, InnerRef) for i in items):  # type: ignore[union-attr]
            self.r.problem(path + ("where",), "each comparison in 'exists.where' compares an {inner: field}",
                           "move comparisons of the outer record out of 'exists'")
            return None
        return Exists(records.key, tuple(items))  # type: ignore[arg-type]

    def _operand(self, path: Path, raw: Any, inner: FactSpec | None) -> tuple[Operand, ValueKind, tuple[str, ...]] | None:
        if isinstance(raw, str):
            var = self.vars.get(raw)
            if var is None and raw in self._failed:
                return None
            if var is None:
                self.r.problem(path, f"unknown variable '{raw}'",
                               did_you_mean(raw, self.vars) or "declare it under 'vars', or write text as {text: ...}")
                return None
            return VarRef(raw), var.value_kind, self._choices.get(raw, ())
        if isinstance(raw, dict) and len(raw) == 1 and "text" in raw and isinstance(raw["text"], str):
            if len(raw["text"]) > MAX_TEXT:  # no fact is longer, and the engine takes no text over 16 MB
                self.r.problem(path, f"text of {len(raw['text']):,} characters; the limit is {MAX_TEXT:,}")
                return None
            return Literal(raw["text"]), ValueKind.TEXT, ()
        if isinstance(raw, dict) and len(raw) == 1 and "inner" in raw:
            if inner is None:
                self.r.problem(path, "{inner: field} is only allowed inside 'exists.where'")
                return None
            if raw["inner"] == "id":  # a record's id travels as the frame's `ref`
                return InnerRef("ref"), ValueKind.TEXT, ()
            fspec = inner.field_spec(str(raw["inner"]))
            if fspec is None:
                self.r.problem(path, f"'{inner.key}' has no field '{raw['inner']}'",
                               did_you_mean(str(raw["inner"]), [f.name for f in inner.fields]))
                return None
            return InnerRef(fspec.name), _TYPE_KIND[fspec.type], fspec.choices
        if isinstance(raw, bool):
            return Literal(raw), ValueKind.BOOL, ()
        if isinstance(raw, dt.date):
            return Literal(raw), ValueKind.DATE, ()
        number = to_decimal(raw)
        if number is not None:
            digits, places = _precision(number)
            if digits > MAX_DIGITS or places > MAX_PLACES or number.copy_abs() > MAX_MAGNITUDE:
                self.r.problem(path, f"the number {number} is beyond what the engine compares exactly",
                               f"at most {MAX_DIGITS} significant digits, {MAX_PLACES} decimal places, "
                               f"magnitude {MAX_MAGNITUDE:,}")
                return None
            if number != 0 and number.copy_abs() < MIN_LITERAL:
                self.r.problem(path, f"the constant {number} is outside the range the engine compares exactly "
                                     f"(0, or at least {MIN_LITERAL} in magnitude)", "see docs/limits.md")
                return None
            return Literal(number), ValueKind.NUMBER, ()
        self.r.problem(path, f"cannot use {raw!r} as an operand",
                       "use a variable name, a number, true/false, a date, or {text: ...}")
        return None

    def _compare(self, path: Path, op: Op, left: Any, right: Any) -> Compare | None:
        if left is None or right is None:
            return None
        (lo, lk, lchoices), (ro, rk, rchoices) = left, right
        if isinstance(lo, Literal) and isinstance(ro, Literal):
            self.r.problem(path, "comparing two constants is always the same; compare a variable")
            return None
        if lk is not rk:
            self.r.problem(path, f"type mismatch: {lk.value} {op.value} {rk.value}")
            return None
        if lk not in ORDERED and op not in (Op.EQ, Op.NEQ):
            self.r.problem(path, f"'{op.value}' needs numbers or dates; {lk.value} allows only eq/neq")
            return None
        for operand, choices in ((ro, lchoices), (lo, rchoices)):
            if choices and isinstance(operand, Literal) and operand.value not in choices:
                self.r.problem(path, f"'{operand.value}' is not one of the choices {', '.join(choices)}",
                               did_you_mean(str(operand.value), choices))
                return None
        if isinstance(lo, Literal) and isinstance(lo.value, Decimal) and lo.value.is_nan():
            return None
        return Compare(op, lo, ro)


def alternatives(cond: Condition, cap: int = 10_000) -> int:
    """How many conjunctions the compiler's disjunctive normal form of `cond` has, counted without building
    them (ten `in` lists of ten values would be 10^10), and at most `cap`."""
    if isinstance(cond, (Compare, Exists)):
        return 1
    if isinstance(cond, AllOf):
        count = 1
        for item in cond.items:
            count = min(count * alternatives(item, cap), cap)
        return count
    if isinstance(cond, AnyOf):
        return min(sum(alternatives(item, cap) for item in cond.items), cap)
    inner = cond.item
    if isinstance(inner, (Compare, Exists)):
        return 1
    if isinstance(inner, NotOf):
        return alternatives(inner.item, cap)
    negated = tuple(NotOf(item) for item in inner.items)
    return alternatives(AnyOf(negated) if isinstance(inner, AllOf) else AllOf(negated), cap)
