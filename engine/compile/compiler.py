"""Compile requirements into engine-neutral rule specs, and a case into the frames they match.

Three-valued logic: a requirement is `met` when its check is definitely true, a `gap` when it is
definitely false, and `insufficient_facts` when the facts present decide neither. Each side is
compiled to disjunctive normal form; every conjunction becomes one rule that also demands the
presence of every variable it reads, so a missing fact can never make a rule fire.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from itertools import product
from typing import Any

from fazhi.errors import InputError, Problem
from fazhi.compile.measures import engine_value
from fazhi.model.conditions import AllOf, AnyOf, Compare, Condition, Exists, InnerRef, Literal, NotOf, Op, VarRef
from fazhi.model.catalogue import Requirement

MAX_CONJUNCTIONS = 32

# rule labels
MET, GAP, APPLIES, NOT_APPLIES, RECORD_NOT_APPLIES = "met", "gap", "app", "na", "rna"


@dataclass(frozen=True)
class Ref:
    """The value of `field` in the fact matched by `alias` (None: the same fact)."""

    alias: str | None
    field: str


@dataclass(frozen=True)
class Comparison:
    op: Op
    field: str
    value: Any  # an engine value, or a Ref


@dataclass(frozen=True)
class Pattern:
    alias: str
    kind: str
    present: tuple[str, ...]  # fields that must exist on the fact
    tests: tuple[Comparison, ...]
    negated: bool = False
    absent: tuple[str, ...] = ()  # fields that must not exist on the fact


# Set on a frame when the records an `exists` clause reads were submitted at all: without it,
# "no matching record" would be concluded from a list nobody gave.
JOIN_PRESENT = "_j"


@dataclass(frozen=True)
class RuleSpec:
    id: str
    requirement: str
    label: str
    patterns: tuple[Pattern, ...]


def frame_kind(req: Requirement, scope: str) -> str:
    """Kinds: s: the case frame, r: a record frame, i: an inner record of an exists clause."""
    return f"{scope}:{req.id}"


def compile_requirement(req: Requirement) -> list[RuleSpec]:
    rules: list[RuleSpec] = []
    case_kind = frame_kind(req, "s")
    if req.applies_when is not None:
        rules += _rules(req, APPLIES, case_kind, req.applies_when)
        rules += _rules(req, NOT_APPLIES, case_kind, NotOf(req.applies_when))
    if req.for_each is None:
        rules += _rules(req, MET, case_kind, req.check)
        rules += _rules(req, GAP, case_kind, NotOf(req.check))
    else:
        record_kind = frame_kind(req, "r")
        scope = req.where
        rules += _rules(req, MET, record_kind, AllOf((scope, req.check)) if scope else req.check)
        rules += _rules(req, GAP, record_kind, AllOf((scope, NotOf(req.check))) if scope else NotOf(req.check))
        if scope is not None:
            rules += _rules(req, RECORD_NOT_APPLIES, record_kind, NotOf(scope))
    return rules


def _rules(req: Requirement, label: str, kind: str, cond: Condition) -> list[RuleSpec]:
    conjunctions = dnf(cond)
    if len(conjunctions) > MAX_CONJUNCTIONS:
        raise InputError([Problem(req.location, f"the {label} condition expands to {len(conjunctions)} alternatives "
                                  f"(limit {MAX_CONJUNCTIONS})", field=req.id, suggestion="split the requirement")])
    rules = []
    for n, literals in enumerate(conjunctions):
        compares = [lit for lit in literals if isinstance(lit, Compare)]
        joins = [lit for lit in literals if isinstance(lit, Exists)]
        if len(joins) > 1:
            raise InputError([Problem(req.location, "a requirement may use one 'exists' clause", field=req.id)])
        outer_tests = tuple(_test(c) for c in compares)
        present = {t.field for t in outer_tests} | {t.value.field for t in outer_tests if isinstance(t.value, Ref)}
        patterns = []
        for join in joins:
            inner_tests = tuple(_inner_test(c) for c in join.where)
            present |= {t.value.field for t in inner_tests if isinstance(t.value, Ref)} | {JOIN_PRESENT}
            patterns.append(Pattern("j", frame_kind(req, "i"), (), inner_tests, negated=join.negated))
            if join.negated:
                patterns += _undecided_guards(req, inner_tests)
        outer = Pattern("o", kind, tuple(sorted(present)), outer_tests)
        rules.append(RuleSpec(f"{req.id}|{label}|{n}", req.id, label, (outer, *patterns)))
    return rules


def _undecided_guards(req: Requirement, inner_tests: tuple[Comparison, ...]) -> list[Pattern]:
    """For "no record matches": also no record that lacks a field the match reads, yet agrees on the rest
    of the join keys — such a record might match, so the answer is unknown, not no."""
    fields = list(dict.fromkeys(t.field for t in inner_tests))
    guards = []
    for size in range(1, len(fields) + 1):  # every combination of missing fields: a record may lack several
        for missing in itertools.combinations(fields, size):
            keys = tuple(t for t in inner_tests if t.field not in missing and t.op is Op.EQ)
            guards.append(Pattern(f"u{len(guards)}", frame_kind(req, "i"), (), keys, negated=True, absent=missing))
    return guards


def dnf(cond: Condition) -> list[list[Compare | Exists]]:
    """The condition in disjunctive normal form, with negations pushed into the literals."""
    if isinstance(cond, (Compare, Exists)):
        return [[cond]]
    if isinstance(cond, AllOf):
        parts = [dnf(item) for item in cond.items]
        return [[lit for conj in combo for lit in conj] for combo in product(*parts)]
    if isinstance(cond, AnyOf):
        return [conj for item in cond.items for conj in dnf(item)]
    inner = cond.item
    if isinstance(inner, Compare):
        return [[Compare(inner.op.negated, inner.left, inner.right)]]
    if isinstance(inner, Exists):
        return [[Exists(inner.records, inner.where, not inner.negated)]]
    if isinstance(inner, NotOf):
        return dnf(inner.item)
    if isinstance(inner, AllOf):
        return dnf(AnyOf(tuple(NotOf(i) for i in inner.items)))
    return dnf(AllOf(tuple(NotOf(i) for i in inner.items)))


_FLIPPED = {Op.LT: Op.GT, Op.GT: Op.LT, Op.LTE: Op.GTE, Op.GTE: Op.LTE, Op.EQ: Op.EQ, Op.NEQ: Op.NEQ}


def _test(c: Compare) -> Comparison:
    """A comparison on the outer frame, with its variable on the left."""
    left, op, right = c.left, c.op, c.right
    if isinstance(left, Literal):
        left, op, right = right, _FLIPPED[op], left
    assert isinstance(left, VarRef)
    if isinstance(right, VarRef):
        return Comparison(op, left.name, Ref(None, right.name))
    assert isinstance(right, Literal)
    return Comparison(op, left.name, engine_value(right.value))


def _inner_test(c: Compare) -> Comparison:
    """A comparison on the inner record of an exists clause, with the inner field on the left."""
    left, op, right = c.left, c.op, c.right
    if not isinstance(left, InnerRef):
        left, op, right = right, _FLIPPED[op], left
    assert isinstance(left, InnerRef)
    if isinstance(right, VarRef):
        return Comparison(op, left.field, Ref("o", right.name))
    if isinstance(right, InnerRef):
        return Comparison(op, left.field, Ref(None, right.field))
    return Comparison(op, left.field, engine_value(right.value))
