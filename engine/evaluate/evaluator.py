"""Evaluate a case: build frames, run inference, and turn what fired into one verdict per requirement."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
import weakref
from dataclasses import dataclass, field
from typing import AbstractSet as Set, Any, Iterable, Mapping, NamedTuple

import jinja2
import jinja2.sandbox

from fazhi.render.catalogue_view import effective_dates
from fazhi.compile.compiler import (APPLIES, GAP, JOIN_PRESENT, MET, NOT_APPLIES, RECORD_NOT_APPLIES, compile_requirement,
                       frame_kind)
from fazhi.errors import InferenceError, InputError, Problem
from fazhi.formatting import NOT_GIVEN
from fazhi.formatting import display as _display
from fazhi.infer.inference import Engine, EngineFact, Fired
from fazhi.compile.measures import Values, engine_value, own_values, record_dependent, scalar_values, with_own
from fazhi.checks.dataquality import run_data_checks
from fazhi.evaluate import departments
from fazhi.model.case import Case, Record
from fazhi.model.conditions import _var_names, InnerRef, Var, VarKind
from fazhi.model.catalogue import Catalogue, Requirement, Scope
from fazhi.model.results import DataQualityFinding, Evaluation, FactUse, Finding
from fazhi.vocabulary import Text, Tier, Verdict, weakest_tier

_engine: Engine | None = None
_names = itertools.count()
_templates = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def shared_engine() -> Engine:
    """One inference engine per process (durable-rules keeps global C state)."""
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine


@dataclass(frozen=True)
class _Plan:
    """What the engine needs of one requirement."""

    reads: frozenset[str]  # the variables its conditions test
    inner: frozenset[str]  # the fields of inner records its `exists` clauses test
    case_frame: bool  # whether any of its rules matches the case frame
    dependent: tuple[Var, ...]  # the variables that depend on the record (the rest are the same for all)
    kinds: tuple[str, str, str]  # of its case, record and inner-record frames
    shared: tuple[Var, ...]  # the variables that do not depend on the record, in order
    tested_shared: tuple[str, ...]  # those its rules test, in order (every frame of the case has them)
    tested_dependent: tuple[str, ...]  # the record-dependent variables its rules test, in order (a record's frame key)


def _plan(req: Requirement) -> _Plan:
    reads = frozenset(_var_names(req.check) | _var_names(req.applies_when) | _var_names(req.where))
    inner = frozenset(o.field for j in req.joins for c in j.where for o in (c.left, c.right) if isinstance(o, InnerRef))
    kinds = (frame_kind(req, "s"), frame_kind(req, "r"), frame_kind(req, "i"))
    dependent = record_dependent(req)
    shared = tuple(v for v in req.vars if v not in dependent)
    return _Plan(reads, inner, req.for_each is None or req.applies_when is not None, dependent, kinds, shared,
                 tuple(v.name for v in shared if v.name in reads), tuple(v.name for v in dependent if v.name in reads))


# a record's own values as _frames keeps them (not yet merged with the shared ones: most records get no finding)
_Own = tuple  # (record, its record-dependent values, the names of those counted approximately or None)
_AS_IS = frozenset({str, int, bool})  # what engine_value returns unchanged: not worth a call per record


def _record_values(shared: Values, own: _Own) -> tuple[Record, Values]:
    """A record's values as record_values gives them, from what _frames kept."""
    record, mine, approximate = own
    return record, with_own(shared, mine, approximate)


def _engine_values(values: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    return {name: engine_value(v) for name, v in values.items() if name in names}


_DERIVED = (VarKind.PERCENT, VarKind.DAYS, VarKind.WORKDAYS)
_Slots = tuple  # a plain message template: text at even items, at odd items a variable's name or None (the record's id)


@dataclass(frozen=True)
class _Wording:
    """What the findings of one requirement need besides the case, worked out once instead of per finding."""

    tier_facts: tuple[str, ...]  # the facts whose tier the verdict rests on: decisive fact and count variables, joins
    tier_fields: tuple[tuple[str, str], ...]  # (variable, field) of the decisive record fields
    missing: tuple[tuple[str, Text, bool], ...]  # decisive variables read from the case: name, label, is a record field
    messages: Mapping[Verdict, tuple[_Slots | None, _Slots | None]]  # (zh, en) plain templates; None: Jinja renders it
    met: Text  # the message of a met finding without a template
    # decisive shares: (its name, its total's name, "<total> is 0, so <share> cannot be computed")
    shares: tuple[tuple[str, str, Text], ...] = ()
    # "facts needed … are missing" by which facts are missing: a few patterns per requirement, over thousands of cases
    lacking: dict[tuple[Any, ...], Text] = field(default_factory=dict, compare=False)


def _wording(req: Requirement) -> _Wording:
    decisive = req.decisive_vars
    # a computed variable's tier is the weakest of its inputs', which are decisive too: it adds nothing to the weakest
    read = [v for v in req.vars if v.name in decisive and v.kind not in _DERIVED]
    tier_facts = [v.args[0] for v in read if v.kind is VarKind.FACT or v.kind is VarKind.COUNT]
    tier_facts += [clause.records for clause in req.joins]
    names = frozenset(v.name for v in req.vars)
    return _Wording(
        tuple(dict.fromkeys(tier_facts)),
        tuple((v.name, v.args[0]) for v in read if v.kind is VarKind.FIELD),
        tuple((v.name, v.label, v.kind is VarKind.FIELD) for v in read),
        {verdict: (_slots(text.zh, names), _slots(text.en, names)) for verdict, text in req.messages.items()},
        Text("符合要求：" + req.expected.zh, "Met: " + req.expected.en),
        tuple((v.name, v.args[1], Text(f"{req.var(v.args[1]).label.zh}为0，无法计算{v.label.zh}",
                                       f"{req.var(v.args[1]).label.en} is 0, so {v.label.en} cannot be computed"))
              for v in req.vars if v.kind is VarKind.PERCENT and v.name in decisive))


def _slots(template: str, names: frozenset[str]) -> _Slots | None:
    """A plain template with each name resolved as render_message resolves it; None when it needs Jinja."""
    parts = _plain(template)
    if parts is None:
        return None
    slots: list[str | None] = list(parts)
    for i in range(1, len(parts), 2):
        if parts[i] not in names:
            if parts[i] != "record":
                return None  # an unknown name: Jinja reports it
            slots[i] = None
    return tuple(slots)


def _fill(slots: _Slots, exact: Mapping[str, Any], record: Record | None, english: bool) -> str:
    filled = list(slots)
    for i in range(1, len(slots), 2):
        name = slots[i]
        if name is None:
            filled[i] = record.id if record else ""
        else:
            shown = display(exact.get(name))
            filled[i] = shown.en if english else shown.zh
    return "".join(filled)


_NONE: frozenset[str] = frozenset()
_NOT_APPLICABLE = Text("不适用", "not applicable")  # Text is immutable: one object serves every finding
_NOT_APPLYING = Text("适用条件不成立", "the condition for applying it does not hold")
_NO_ITEMS = Text("本年度无相关事项", "no such items in the period")
_NO_ITEM_APPLIES = Text("无适用的事项", "no item the requirement applies to")


class _Outcome(NamedTuple):  # a tuple: hundreds are made per case, and only this module reads them
    verdict: Verdict
    record: Record | None = None
    values: Values | None = None
    reason: Text | None = None
    met: tuple[Mapping[str, _Own], Set[str]] | None = None  # met per record: every record's own values, and the met


# (fact, None, None) or (fact, record id, field) -> the value as given and the data-quality findings doubting it
_Doubt = Mapping[tuple[str, "str | None", "str | None"], tuple[Any, list[DataQualityFinding]]]


class Evaluator:
    """Compiles a catalogue once; evaluates any number of cases against it."""

    def __init__(self, catalogue: Catalogue, engine: Engine | None = None):
        self.catalogue = catalogue
        self.engine = engine or shared_engine()
        self.name = f"catalogue-{next(_names)}"
        rules = [rule for req in catalogue.requirements for rule in compile_requirement(req)]
        case_kinds = {frame_kind(req, "s") for req in catalogue.requirements}
        case_rules = [rule.id for rule in rules if rule.patterns[0].kind in case_kinds]  # refs are read for records only
        self.engine.load(self.name, rules, names_only=case_rules)
        # The compiled rules live in the engine (C memory), not in this object: freed by close(), or
        # when this Evaluator is collected, so a caller that never closes it does not leak them.
        self._finalizer = weakref.finalize(self, self.engine.unload, self.name)
        self._rule_labels = {rule.id: (rule.requirement, rule.label) for rule in rules}  # what a fired rule decides
        self._data_checks = catalogue.data_checks  # gathered from every fact declaration: once, not per case
        self._plans: dict[str, _Plan] = {}
        self._wordings: dict[str, _Wording] = {}
        self._in_force: dict[tuple[str, int], Text | None] = {}

    def close(self) -> None:
        """Free the compiled rules in the engine (for long-running use that builds many evaluators)."""
        self._finalizer()

    def __enter__(self) -> "Evaluator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(self, case: Case, only: Iterable[str] | None = None, data_checks: bool = True,
                 details: bool = True) -> Evaluation:
        """Data checks first (they never stop an evaluation), then the rules. Without `details` the
        findings carry no facts (`Finding.facts` is empty; verdicts, messages and tiers are all there):
        for runs over many cases that read nothing else, such as an inspection without documents."""
        quality = run_data_checks(self.catalogue, case, self._data_checks) if data_checks else ()
        doubt = _doubts(case, quality)
        given = case
        if doubt:  # the rules read doubtful values as unknown: no verdict rests on an impossible date
            case = _without(case, doubt)
        wanted = set(only) if only is not None else None
        requirements = [r for r in self.catalogue.requirements if wanted is None or r.id in wanted]
        if case.departments or case.conflicts:
            return self._with_departments(given, case, requirements, quality, details, doubt, data_checks)
        findings = self._evaluate(case, requirements, details, doubt)
        return Evaluation(given, self.catalogue, tuple(findings), quality)

    def _with_departments(self, given: Case, case: Case, requirements: list[Requirement], quality: tuple[Any, ...],
                          details: bool, doubt: "_Doubt", data_checks: bool) -> Evaluation:
        """A case with departments: the district's requirements on the district (a figure in conflict with
        its roll-up not read), each per-department requirement on each department of its kind with the same
        compiled rules, and the district finding of those made from the departments'."""
        quality = tuple(quality) + departments.conflict_findings(self.catalogue, case)
        read = departments.without_conflicts(case) if case.conflicts else case
        split = departments.per_department(requirements, case)
        split_ids = {r.id for r in split}
        # a derived requirement (TS-IMPL-ALL) reads its domain's per-department results, selected or not
        domains = {r.from_departments for r in requirements if r.from_departments}
        inputs = [r for r in departments.per_department(self.catalogue.requirements, case)
                  if r.id in split_ids or r.domain in domains]
        own: list[Finding] = []
        district_found = {_quality_identity(q) for q in quality}
        # the district's doubts about district-only facts hold in every department's case, which has those facts
        district_doubt = {k: v for k, v in doubt.items() if self.catalogue.facts[k[0]].scope == Scope.DISTRICT}
        added: list[DataQualityFinding] = []
        for department in case.departments:
            mine = [r for r in inputs if r.subject.kind == department.kind]
            if not mine:
                continue
            if not department.submitted:
                own += [departments.not_submitted(r, department) for r in mine]
                continue
            sub = departments.department_case(case, department, self.catalogue)
            # A department's own values pass the same data checks as the district's: a date out of order in
            # its records or a figure that contradicts its own total is doubtful for its verdicts too.
            found = run_data_checks(self.catalogue, sub, self._data_checks) if data_checks else ()
            for q in found:
                if self.catalogue.facts[q.fact].scope == Scope.DISTRICT:
                    continue  # the district's own fact: its finding is the district's
                if q.record is not None and _quality_identity(q) in district_found:
                    continue  # a record rolled up to the district was checked there already
                added.append(departments.named_quality(q, department))
            mine_doubt = {**district_doubt, **_doubts(sub, found)}
            if mine_doubt:
                sub = _without(sub, mine_doubt)
            own += [dataclasses.replace(f, department=department.id)
                    for f in self._evaluate(sub, mine, details, mine_doubt)]
        quality = tuple(quality) + tuple(added)
        district = [r for r in requirements if r.id not in split_ids]
        by_requirement = {r.id: r for r in requirements}
        derived = {}
        for req in district:
            if req.from_departments:
                finding = departments.derived_finding(req, case, own, self.catalogue)
                if finding is not None:
                    derived[req.id] = finding
        findings = self._evaluate(read, [r for r in district if r.id not in derived], details, doubt)
        findings = departments.block(findings, by_requirement, case.conflicts, self.catalogue)
        made = {f.requirement: [f] for f in findings}
        for req in split:
            made.setdefault(req.id, []).append(departments.district_finding(
                req, case, [f for f in own if f.requirement == req.id]))
        for rid, finding in derived.items():
            made.setdefault(rid, []).append(finding)
        ordered: list[Finding] = []
        for req in requirements:
            ordered += made.get(req.id, [])
        return Evaluation(given, self.catalogue, tuple(ordered), quality, department_findings=tuple(own))

    def _evaluate(self, case: Case, requirements: list[Requirement], details: bool, doubt: "_Doubt") -> list[Finding]:
        facts: list[EngineFact] = []
        pending: list[tuple[Requirement, Values, dict[str, _Own], dict[str, list[str]]]] = []
        settled: dict[str, list[_Outcome]] = {}
        for req in requirements:
            reason = self._not_in_force(req, case.period)
            if reason is not None:
                settled[req.id] = [_Outcome(Verdict.NOT_APPLICABLE, reason=reason)]
                continue
            values, records, frames, alike = self._frames(req, case)
            facts += frames
            pending.append((req, values, records, alike))
        fired = self.engine.evaluate(self.name, facts) if facts else []
        by_rule: dict[str, dict[str, list[Fired]]] = {}
        for f in fired:
            requirement, label = self._rule_labels[f.rule]
            by_rule.setdefault(requirement, {}).setdefault(label, []).append(f)
        for req, values, records, alike in pending:
            settled[req.id] = self._outcomes(req, case, values, records, by_rule.get(req.id, {}), alike)
        return [finding for req in requirements
                for finding in self._findings(req, case, settled[req.id], details, doubt)]

    # --- frames ------------------------------------------------------------------------------

    def _frames(self, req: Requirement, case: Case
                ) -> tuple[Values, dict[str, _Own], list[EngineFact], dict[str, list[str]]]:
        """The requirement's facts for the engine: only the variables its rules read, and one frame for
        records that read alike (rules never join two outer frames, so alike frames fire alike).
        Returns the values, the records with their own values, the frames and, per frame's ref, the records it
        stands for."""
        plan = self._plan(req)
        values = scalar_values(req, case, plan.shared)
        base = {}  # what every frame of the case shares
        shared = values.exact
        for name in plan.tested_shared:
            if name in shared:
                value = shared[name]
                base[name] = value if value.__class__ in _AS_IS else engine_value(value)
        joins = req.joins
        if joins and all(j.records in case.facts for j in joins):
            base[JOIN_PRESENT] = 1
        frames = []
        if plan.case_frame:
            frames.append(EngineFact(plan.kinds[0], "case", base))
        records: dict[str, _Own] = {}
        alike: dict[str, list[str]] = {}
        if req.for_each and req.for_each in case.facts:
            seen: dict[tuple[Any, ...], str] = {}
            dependent, kind, tested = plan.dependent, plan.kinds[1], plan.tested_dependent
            for record in case.facts[req.for_each].value:
                mine, approximate = own_values(dependent, case, record, shared)
                records[record.id] = (record, mine, approximate)
                tested_own = {}  # the record's own values, as tested
                for name in tested:
                    if name in mine:
                        value = mine[name]
                        tested_own[name] = value if value.__class__ in _AS_IS else engine_value(value)
                key = tuple(tested_own.items())  # in the same order for every record; the shared part is the same for all
                first = seen.get(key)
                if first is None:
                    seen[key] = record.id
                    alike[record.id] = [record.id]
                    frames.append(EngineFact(kind, record.id, {**base, **tested_own} if tested_own else base))
                else:
                    alike[first].append(record.id)
        for join_clause in joins:
            inner = case.facts.get(join_clause.records)
            seen_inner: set[tuple[Any, ...]] = set()
            for record in inner.value if inner else ():
                frame = _engine_values(record.fields, plan.inner)
                key = tuple(sorted(frame.items())) + ((record.id,) if "ref" in plan.inner else ())  # {inner: id}
                if key not in seen_inner:  # "some record matches" does not count alike records
                    seen_inner.add(key)
                    frames.append(EngineFact(plan.kinds[2], record.id, frame))
        return values, records, frames, alike

    def _plan(self, req: Requirement) -> _Plan:
        plan = self._plans.get(req.id)
        if plan is None:
            plan = self._plans[req.id] = _plan(req)
        return plan

    def _not_in_force(self, req: Requirement, period: int) -> Text | None:
        key = (req.id, period)
        if key not in self._in_force:
            self._in_force[key] = self._reason_not_in_force(req, period)
        return self._in_force[key]

    def _reason_not_in_force(self, req: Requirement, period: int) -> Text | None:
        start, end = effective_dates(self.catalogue, req)
        first, last = dt.date(period, 1, 1), dt.date(period, 12, 31)
        if start and start > last:
            return Text(f"该要求自{start.isoformat()}起施行，晚于{period}年度", f"in force from {start.isoformat()}, after {period}")
        if end and end < first:
            return Text(f"该要求已于{end.isoformat()}失效，早于{period}年度", f"no longer in force after {end.isoformat()}, before {period}")
        return None

    # --- verdicts ----------------------------------------------------------------------------

    def _outcomes(self, req: Requirement, case: Case, values: Values, records: Mapping[str, _Own],
                  fired: Mapping[str, list[Fired]], alike: Mapping[str, list[str]]) -> list[_Outcome]:
        if req.applies_when is not None:
            if fired.get(NOT_APPLIES):
                return [_Outcome(Verdict.NOT_APPLICABLE, values=values,
                                 reason=req.messages.get(Verdict.NOT_APPLICABLE) or _NOT_APPLYING)]
            if not fired.get(APPLIES):
                return [_Outcome(Verdict.INSUFFICIENT, values=values)]
        if req.for_each is None:
            met, gap = bool(fired.get(MET)), bool(fired.get(GAP))
            if met and gap:
                raise InferenceError(f"{req.id}: both met and gap fired; the rule is contradictory")
            return [_Outcome(Verdict.MET if met else Verdict.GAP if gap else Verdict.INSUFFICIENT, values=values)]
        if req.for_each not in case.facts:
            return [_Outcome(Verdict.INSUFFICIENT, values=values)]
        if not records:
            return [_Outcome(Verdict.NOT_APPLICABLE, values=values, reason=_NO_ITEMS)]
        met, gap = self._fired_records(fired.get(MET), alike), self._fired_records(fired.get(GAP), alike)
        not_applies = self._fired_records(fired.get(RECORD_NOT_APPLIES), alike)
        gaps = [rid for rid in records if rid in gap]
        if any(rid in met for rid in gaps):
            raise InferenceError(f"{req.id}: both met and gap fired for one record")
        undecided = [rid for rid in records if rid not in met and rid not in gap and rid not in not_applies]
        if gaps:  # the gaps, and the records that still lack facts (so a memo item is not closed on silence)
            return ([_Outcome(Verdict.GAP, *_record_values(values, records[rid])) for rid in gaps]
                    + [_Outcome(Verdict.INSUFFICIENT, *_record_values(values, records[rid])) for rid in undecided])
        if undecided:
            return [_Outcome(Verdict.INSUFFICIENT, *_record_values(values, records[rid])) for rid in undecided]
        if not any(rid in met for rid in records):  # every record decided, none met: all were not applicable
            return [_Outcome(Verdict.NOT_APPLICABLE, values=values, reason=_NO_ITEM_APPLIES)]
        return [_Outcome(Verdict.MET, values=values, met=(records, met))]

    @staticmethod
    def _fired_records(fired: list[Fired] | None, alike: Mapping[str, list[str]]) -> Set[str]:
        """The records a rule fired for: each frame it fired on stands for its alike records."""
        if not fired:
            return _NONE
        out: set[str] = set()
        for f in fired:
            for alias, ref in f.refs:
                if alias == "o":  # the record frame it matched (any other alias is an inner record)
                    out.update(alike.get(ref, (ref,)))
        return out

    # --- findings ----------------------------------------------------------------------------

    def _findings(self, req: Requirement, case: Case, outcomes: list[_Outcome], details: bool,
                  doubt: _Doubt) -> list[Finding]:
        """The findings of one requirement: what they share (its wording, the tier of its case-wide facts) once."""
        wording = self._wordings.get(req.id)
        if wording is None:
            wording = self._wordings[req.id] = _wording(req)
        shared_tier = _shared_tier(wording, case)
        return [self._finding(req, case, outcome, details, wording, shared_tier, doubt) for outcome in outcomes]

    def _finding(self, req: Requirement, case: Case, outcome: _Outcome, details: bool, wording: _Wording,
                 shared_tier: Tier | None, doubt: _Doubt) -> Finding:
        values = outcome.values
        if values is None:  # not in force: still show the facts given (a "no" is not "not given")
            values = scalar_values(req, case, self._plan(req).shared) if details else Values()
        record = outcome.record
        uses = ()
        if details:
            uses = _fact_uses(self.catalogue, req, case, values, record, _var_tiers(req, case, values, record), doubt)
            if outcome.met is not None:  # each record's computed value, in place of "not given"
                computed = {u.key: u for u in _met_records(req, case, self._plan(req), *outcome.met)}
                if computed:
                    uses = tuple(computed.get(u.key, u) for u in uses)
        message = _message(self.catalogue, req, wording, case, outcome, values)
        if doubt and outcome.verdict is Verdict.INSUFFICIENT:
            message = _doubted(req, record, doubt) or message
        return Finding(req.id, outcome.verdict, req.severity, req.domain, req.title, message, req.expected,
                       uses, req.citations, req.remediation, record.id if record else None,
                       req.weakest_confidence, _decisive_tier(req, wording, case, record, values.exact, shared_tier))


def _var_tiers(req: Requirement, case: Case, values: Values, record: Record | None) -> dict[str, Tier | None]:
    """The evidence tier behind each variable (None: no value); a computed one has its inputs' weakest."""
    tiers: dict[str, Tier | None] = {}
    exact, facts = values.exact, case.facts
    for var in req.vars:
        kind = var.kind
        if kind is VarKind.FACT or kind is VarKind.COUNT:
            fact = facts.get(var.args[0])
            tiers[var.name] = fact.tier if fact is not None else None
        elif kind is VarKind.FIELD:
            if record is not None:
                holder = facts.get(req.for_each or "")
                tiers[var.name] = (record.tier(var.args[0], holder.evidence if holder else None)
                                   if exact.get(var.name) is not None else None)
        elif kind is not VarKind.DATE_IN_YEAR:
            tiers[var.name] = weakest_tier(tiers.get(a) for a in var.args) if exact.get(var.name) is not None else None
    return tiers


def _shared_tier(wording: _Wording, case: Case) -> Tier | None:
    """The weakest tier of the case-wide facts a requirement's verdicts rest on: the same for all its findings."""
    facts = case.facts
    return weakest_tier([fact.tier for key in wording.tier_facts if (fact := facts.get(key)) is not None])


def _decisive_tier(req: Requirement, wording: _Wording, case: Case, record: Record | None,
                   exact: Mapping[str, Any], shared_tier: Tier | None) -> Tier | None:
    """The weakest evidence tier of the facts the verdict rests on (the weakest of their _var_tiers), given
    _shared_tier's."""
    if record is not None:
        if not wording.tier_fields:
            return shared_tier
        holder = case.facts.get(req.for_each or "")
        fallback = holder.evidence if holder else None
        return weakest_tier([shared_tier] + [record.tier(field, fallback) for name, field in wording.tier_fields
                                             if exact.get(name) is not None])
    if req.for_each and (holder := case.facts.get(req.for_each)) is not None:
        return weakest_tier((shared_tier, holder.tier))
    return shared_tier


def _fact_uses(catalogue: Catalogue, req: Requirement, case: Case, values: Values, record: Record | None,
               tiers: Mapping[str, Tier | None], doubt: _Doubt | None = None) -> tuple[FactUse, ...]:
    """The facts a finding shows, each with its value as displayed and its evidence; a doubtful value as
    given, marked as doubtful (the rules read it as unknown)."""
    uses = []
    exact, facts = values.exact, case.facts
    for var in req.vars:
        kind = var.kind
        if kind is VarKind.DATE_IN_YEAR:
            continue
        value = exact.get(var.name)
        if kind is VarKind.FACT:
            fact = facts.get(var.args[0])
            doubted = doubt.get((var.args[0], None, None)) if doubt and value is None else None
            if doubted is not None:
                uses.append(FactUse(var.args[0], var.label, doubted[0], _doubtful(doubted[0]), None, None))
                continue
            uses.append(FactUse(var.args[0], var.label, value, display(value), fact.evidence if fact else None,
                                tiers[var.name], fact.verification if fact else None))
        elif kind is VarKind.FIELD:
            if record is None:
                continue
            name = var.args[0]
            doubted = doubt.get((req.for_each or "", record.id, name)) if doubt and value is None else None
            if doubted is not None:
                uses.append(FactUse(f"{req.for_each}[{record.id}].{name}", var.label, doubted[0], _doubtful(doubted[0]),
                                    record.evidence, None, record.verifications.get(name)))
                continue
            uses.append(FactUse(f"{req.for_each}[{record.id}].{name}", var.label, value, display(value), record.evidence,
                                tiers[var.name], record.verifications.get(name)))
        else:
            key = var.args[0] if kind is VarKind.COUNT else f"{req.id}.{var.name}"
            shown = display(value)
            if value is not None and var.unit is not None:
                shown = _with_unit(shown, var.unit)
            elif value is None and kind is VarKind.PERCENT and exact.get(var.args[0]) is not None \
                    and _is_zero(exact.get(var.args[1])):
                total = req.var(var.args[1]).label
                shown = Text(f"无法计算（{total.zh}为0）", f"cannot be computed ({total.en} is 0)")
            if var.name in values.approximate:
                shown = Text(shown.zh + "（按周末推算，未计节假日调休）", shown.en + " (weekends only; holidays not counted)")
            uses.append(FactUse(key, var.label, value, shown, None, tiers[var.name]))
    for clause in req.joins:
        fact = facts.get(clause.records)
        uses.append(FactUse(clause.records, catalogue.facts[clause.records].label, fact.value if fact else None,
                            display(fact.value if fact else None), fact.evidence if fact else None,
                            fact.tier if fact else None))
    return tuple(uses)


def _met_records(req: Requirement, case: Case, plan: _Plan, records: Mapping[str, _Own], met: Set[str]
                 ) -> tuple[FactUse, ...]:
    """What a met per-record finding computed for each record (公开用时：P1 4个工作日，P2 6个工作日), instead of
    "not given": its value is {record id: value}."""
    holder = case.facts.get(req.for_each or "")
    uses = []
    for var in plan.dependent:
        if var.kind not in _DERIVED:
            continue
        per_record = {rid: own[1][var.name] for rid, own in records.items() if rid in met and var.name in own[1]}
        if not per_record:
            continue
        shown = []
        for rid, value in itertools.islice(per_record.items(), _MET_SHOWN):
            text = display(value)
            if var.unit is not None:
                text = _with_unit(text, var.unit)
            shown.append((f"{rid} {text.zh}", f"{rid} {text.en}"))
        more = len(per_record) - len(shown)
        zh, en = "，".join(z for z, _ in shown), ", ".join(e for _, e in shown)
        if more > 0:
            zh, en = zh + f"等{len(per_record)}项", en + f" and {more} more"
        uses.append(FactUse(f"{req.id}.{var.name}", var.label, per_record, Text(zh, en), None,
                            holder.tier if holder is not None else None))
    return tuple(uses)


_MET_SHOWN = 20  # records named in a met finding's value as displayed (the JSON value has every one)


def _doubtful(value: Any) -> Text:
    shown = display(value)
    return Text(shown.zh + "（存疑，见数据质量问题）", shown.en + " (doubtful: see data quality)")


def _quality_identity(q: DataQualityFinding) -> tuple[Any, ...]:
    """What makes two data-quality findings the same problem, whichever case (district or department) found it."""
    return q.check, q.fact, q.record, q.doubtful


def _doubts(case: Case, quality: tuple[DataQualityFinding, ...]) -> dict[tuple[str, str | None, str | None],
                                                                          tuple[Any, list[DataQualityFinding]]]:
    """The values that data-quality findings make doubtful, each with its value as given."""
    doubt: dict[tuple[str, str | None, str | None], tuple[Any, list[DataQualityFinding]]] = {}
    for q in quality:
        for key in q.doubtful:
            entry = doubt.get(key)
            if entry is None:
                fact = case.facts.get(key[0])
                value = None
                if fact is not None and key[1] is None:
                    value = fact.value
                elif fact is not None:
                    value = next((r.fields.get(key[2] or "") for r in fact.value if r.id == key[1]), None)
                entry = doubt[key] = (value, [])
            entry[1].append(q)
    return doubt


def _without(case: Case, doubt: _Doubt) -> Case:
    """The case as the rules read it: every doubtful value left out, so a rule that needs it cannot fire."""
    facts = dict(case.facts)
    fields: dict[str, dict[str, set[str]]] = {}
    for key, rid, name in doubt:
        if rid is None:
            facts.pop(key, None)
        else:
            fields.setdefault(key, {}).setdefault(rid, set()).add(name or "")
    for key, by_record in fields.items():
        fact = facts.get(key)
        if fact is None:
            continue
        records = tuple(dataclasses.replace(r, fields={k: v for k, v in r.fields.items() if k not in by_record[r.id]})
                        if r.id in by_record else r for r in fact.value)
        facts[key] = dataclasses.replace(fact, value=records)
    return dataclasses.replace(case, facts=facts)


def _doubted(req: Requirement, record: Record | None, doubt: _Doubt) -> Text | None:
    """The message of a finding that cannot decide because a value it reads is doubtful: the data-quality
    findings that doubt it. None when it reads no doubtful value (it lacks facts instead)."""
    keys: list[tuple[str, str | None, str | None]] = []
    for var in req.vars:
        if var.kind is VarKind.FACT:
            keys.append((var.args[0], None, None))
        elif var.kind is VarKind.FIELD and record is not None:
            keys.append((req.for_each or "", record.id, var.args[0]))
    found = [q for key in keys if key in doubt for q in doubt[key][1]]
    for clause in req.joins:  # a doubtful field of any inner record may decide whether one matches
        found += [q for key, (_, qs) in doubt.items() if key[0] == clause.records for q in qs]
    found = list({id(q): q for q in found}.values())
    if not found:
        return None
    prefix = Text(f"事项{record.id}：", f"item {record.id}: ") if record is not None else Text("", "")
    return Text(prefix.zh + "数据存疑，无法判断：" + "；".join(q.message.zh for q in found),
                prefix.en + "doubtful data, cannot decide: " + "; ".join(q.message.en for q in found))


def _message(catalogue: Catalogue, req: Requirement, wording: _Wording, case: Case, outcome: _Outcome,
             values: Values) -> Text:
    verdict, record = outcome.verdict, outcome.record
    if verdict is Verdict.NOT_APPLICABLE:
        return outcome.reason or _NOT_APPLICABLE
    if verdict is Verdict.INSUFFICIENT:
        text = _lacking(catalogue, req, wording, case, values.exact, record)
        return Text(f"事项{record.id}：" + text.zh, f"item {record.id}: " + text.en) if record else text
    template = req.messages.get(verdict)
    if template is None:
        return wording.met
    zh, en = wording.messages[verdict]
    return Text(render_message(req, template.zh, "zh", values, record) if zh is None else _fill(zh, values.exact, record, False),
                render_message(req, template.en, "en", values, record) if en is None else _fill(en, values.exact, record, True))


@functools.lru_cache(maxsize=4096)
def _with_unit(shown: Text, unit: Text) -> Text:
    return Text(shown.zh + unit.zh, shown.en + ("" if unit.en == "%" else " ") + unit.en)


_shown: dict[tuple[type, Any], Text] = {}


def display(value: Any) -> Text:
    """formatting.display, remembered for plain values (a finding shows each of its values in two languages)."""
    if isinstance(value, tuple) or value is None:
        return _display(value)
    key = (type(value), value)
    text = _shown.get(key)
    if text is None:
        if len(_shown) > 50_000:
            _shown.clear()
        text = _shown[key] = _display(value)
    return text


_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


@functools.lru_cache(maxsize=4096)
def _compiled(template: str) -> jinja2.Template:
    compiled = _templates.from_string(template)  # compiling dominated evaluation time before this cache
    # Jinja merges a template's globals into every render's context; as its default ChainMap that merge cost
    # two thirds of a render. The environment's globals never change, so a flat copy reads the same.
    compiled.globals = dict(compiled.globals)
    return compiled


@functools.lru_cache(maxsize=4096)
def _plain(template: str) -> tuple[str, ...] | None:
    """A template of text and `{{ name }}` only, split into text and names (odd items): filled without
    Jinja, which costs more than the rest of a finding. None when it uses anything else."""
    if template.endswith("\n"):  # as Jinja, which drops one trailing newline
        template = template[:-1]
    parts = tuple(_PLACEHOLDER.split(template))
    if any(mark in part for part in parts[::2] for mark in ("{{", "{%", "{#", "}}", "%}", "#}")):
        return None
    return parts


def render_message(req: Requirement, template: str, lang: str, values: Values, record: Record | None) -> str:
    exact = values.exact
    parts = _plain(template)
    if parts is not None:  # fill only the names it uses
        names = {v.name for v in req.vars}
        filled = list(parts)
        for i in range(1, len(parts), 2):
            name = parts[i]
            if name == "record" and name not in names:
                filled[i] = record.id if record else ""
            elif name in names:
                filled[i] = display(exact.get(name)).get(lang)
            else:
                break
        else:
            return "".join(filled)
    context: dict[str, Any] = {v.name: display(exact.get(v.name)).get(lang) for v in req.vars}
    context["record"] = record.id if record else ""
    context["raw"] = {v.name: values.exact.get(v.name) for v in req.vars}  # for conditional wording
    try:
        return _compiled(template).render(context)
    except jinja2.TemplateError as exc:
        raise InputError([Problem(req.location, f"message template ({lang}): {exc}", field=req.id)]) from exc
    except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. `raw.rate > 50` when the rate is not given
        raise InputError([Problem(req.location, f"message template ({lang}) failed on these facts: {exc}",
                                  field=req.id, suggestion="guard optional values: {% if raw.x is not none and … %}")]) from exc


def _lacking(catalogue: Catalogue, req: Requirement, wording: _Wording, case: Case, exact: Mapping[str, Any],
             record: Record | None) -> Text:
    """"Facts needed to decide are missing: …", as _missing words it, kept per pattern of missing facts."""
    facts = case.facts
    key: tuple[Any, ...] = tuple([name for name, _, is_field in wording.missing
                                  if name not in exact and (record is not None or not is_field)])
    if req.for_each and req.for_each not in facts:
        key += (None,)  # not a variable's name
    for clause in req.joins:
        if clause.records not in facts:
            key += (clause,)
    if not key:  # _missing's fallback
        key = (False,) + tuple([v.name for v in req.vars if v.name not in exact])
    zero = [why for name, total, why in wording.shares if name not in exact and _is_zero(exact.get(total))]
    if zero:  # a total of 0: say so, not "missing" (both facts were given)
        key += ("zero",) + tuple(z.zh for z in zero)
    text = wording.lacking.get(key)
    if text is None:
        if len(wording.lacking) > 256:  # bounded by the requirement's variables; never reached in practice
            wording.lacking.clear()
        missing = _missing(catalogue, req, wording, case, exact, record)
        text = Text("缺少判断所需的事实：" + "、".join(m.zh for m in missing),
                    "facts needed to decide are missing: " + ", ".join(m.en for m in missing))
        if zero:
            because = Text("；".join(z.zh for z in zero), "; ".join(z.en for z in zero))
            text = because if key[0] is False else Text(because.zh + "；" + text.zh, because.en + "; " + text.en)
        wording.lacking[key] = text
    return text


def _is_zero(value: Any) -> bool:
    return value is not None and not isinstance(value, bool) and value == 0


def _missing(catalogue: Catalogue, req: Requirement, wording: _Wording, case: Case, exact: Mapping[str, Any],
             record: Record | None) -> list[Text]:
    missing = [label for name, label, is_field in wording.missing
               if name not in exact and (record is not None or not is_field)]
    if req.for_each and req.for_each not in case.facts:
        missing.insert(0, catalogue.facts[req.for_each].label)
    for clause in req.joins:
        if clause.records not in case.facts:
            missing.append(catalogue.facts[clause.records].label)
    if not missing:
        missing = [v.label for v in req.vars if v.name not in exact] or [NOT_GIVEN]
    return missing
