"""The Rete inference engine (durable-rules 2.0.28) behind a small, safe interface.

This is the only module that imports durable-rules. Its sharp edges, and how each is handled here
(see docs/engine.md and the project's durable-rules notes):
- Host timer threads steal actions and race: a Host subclass without them, and one lock.
- Negation is checked only when the left-hand fact arrives: every rule starts with a sentinel fact
  that is asserted after all data, so negations see the complete case.
- A fact that reaches no rule raises and is dropped: a sink rule handles every fact.
- `<`/`>` against another fact or property can read past an array (upstream #381): every such
  `$and` ends with an always-true equality on the constant `_e`.
- An absent right-hand property does not fail a comparison: every field a rule reads is guarded by
  `$ex` first (the compiler lists them in `Pattern.present`).
- More than 1,024 live sessions per ruleset raise MemoryError: one session per evaluation, deleted
  afterwards.
- One alpha node may feed at most 255 rules: rules are grouped under several sentinels.
- Exceptions inside actions are swallowed into the session state: actions only append, and the
  state is checked after every evaluation.
"""
from __future__ import annotations

import copy
import itertools
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import durable_rules_engine as _core
from durable import engine as _durable

from .compiler import Comparison, Pattern, Ref, RuleSpec
from .errors import InferenceError
from .condition_model import Op

RULES_PER_SENTINEL = 200
MAX_FIELDS = 200
MAX_STRING = 60_000
SENTINEL = "go!"
_OPS = {Op.NEQ: "$neq", Op.LT: "$lt", Op.LTE: "$lte", Op.GT: "$gt", Op.GTE: "$gte"}


@dataclass(frozen=True)
class EngineFact:
    kind: str
    ref: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Fired:
    rule: str
    refs: tuple[tuple[str, str], ...]  # (alias, ref) of each matched fact


class _QuietHost(_durable.Host):
    def _run(self) -> None:  # no background timer threads: they run actions late, on another thread
        return None


class Engine:
    """One per process. `load` compiled rules under a name, then `evaluate` facts against them."""

    def __init__(self) -> None:
        self._host = _QuietHost()
        self._lock = threading.RLock()
        self._groups: dict[str, list[int]] = {}
        self._names: dict[str, str] = {}
        self._counter = itertools.count()
        self._fired: list[Fired] | None = None
        self._errors: list[str] = []

    def load(self, name: str, rules: Sequence[RuleSpec]) -> None:
        definition: dict[str, Any] = {}
        groups: list[int] = []
        for index, spec in enumerate(rules):
            group = index // RULES_PER_SENTINEL
            if not groups or groups[-1] != group:
                groups.append(group)
            sentinel = {"go": {"$and": [{"kind": SENTINEL}, {"grp": group}]}}
            patterns = [sentinel] + [_pattern(p) for p in spec.patterns]
            definition[spec.id] = {"all": patterns, "run": self._action(spec.id)}
        definition["sink!"] = {"all": [{"a": {"$ex": {"kind": 1}}}, {"b": {"kind": "never!"}}], "run": _noop}
        definition["warmup!"] = {"all": [{"w": {"kind": "warmup!"}}], "run": _noop}
        internal = f"{name}-{next(self._counter)}"
        with self._lock:
            self.unload(name)
            try:
                self._host.register_rulesets({internal: copy.deepcopy(definition)})
            except Exception as exc:  # durable raises bare Exception and its C error type
                raise InferenceError(f"the engine rejected ruleset '{name}': {exc}") from exc
            self._names[name] = internal
            self._groups[name] = groups
            self._warm_up(internal)

    def _warm_up(self, internal: str) -> None:
        """Fire one rule in a throwaway session: delete_state crashes the process (free(): invalid pointer)
        when no rule of the ruleset has ever fired before, e.g. a first case with almost no facts."""
        sid = "warmup-" + uuid.uuid4().hex
        self._host.assert_fact(internal, {"sid": sid, "id": "w", "kind": "warmup!", "_e": 1})
        self._host.delete_state(internal, sid)

    def unload(self, name: str) -> None:
        """Free a loaded ruleset: durable-rules has no public unregister, and each costs about 0.5 MB."""
        internal = self._names.pop(name, None)
        self._groups.pop(name, None)
        if internal is None:
            return
        with self._lock:
            ruleset = self._host._ruleset_directory.pop(internal, None)
            if ruleset is not None:
                self._host._ruleset_list.remove(ruleset)
                _core.delete_ruleset(ruleset._handle)

    def _action(self, rule_id: str) -> Callable[[Any], None]:
        def run(c: Any) -> None:
            try:
                frames = [c._m] if c._m is not None else [x._d for x in c.m]
                for frame in frames:
                    refs = tuple(sorted((alias, str(fact.get("ref"))) for alias, fact in frame.items() if alias != "go"))
                    if self._fired is not None:
                        self._fired.append(Fired(rule_id, refs))
            except Exception as exc:  # durable would bury it in the session state
                self._errors.append(f"{rule_id}: {exc!r}")
        return run

    def evaluate(self, name: str, facts: Sequence[EngineFact]) -> list[Fired]:
        internal = self._names.get(name)
        if internal is None:
            raise InferenceError(f"no ruleset '{name}' is loaded")
        sid = "ev-" + uuid.uuid4().hex
        with self._lock:
            self._fired, self._errors = [], []
            try:
                for i, fact in enumerate(facts):
                    self._assert(internal, _engine_fact(fact, sid, f"f{i}"))
                for group in self._groups[name]:
                    self._assert(internal, {"sid": sid, "id": f"go{group}", "kind": SENTINEL, "grp": group, "_e": 1})
                exception = self._host.get_state(internal, sid).get("exception")
                if exception:
                    self._errors.append(str(exception))
                fired, errors = self._fired, self._errors
            finally:
                self._fired = None
                try:
                    self._host.delete_state(internal, sid)
                except _core.error:
                    pass
        if errors:
            raise InferenceError("rule actions failed: " + "; ".join(errors))
        return sorted(fired, key=lambda f: (f.rule, f.refs))

    def _assert(self, internal: str, fact: dict[str, Any]) -> None:
        base = fact["id"]
        for salt in range(5):  # ids are hashed to 32 bits without a string compare (upstream #376)
            try:
                self._host.assert_fact(internal, fact)
                return
            except _durable.MessageObservedException:
                fact["id"] = f"{base}#{salt + 1}"
            except _durable.MessageNotHandledException as exc:
                raise InferenceError(f"fact '{fact.get('kind')}' reached no rule: {exc}") from exc
            except _core.error as exc:
                raise InferenceError(f"the engine could not take fact '{fact.get('kind')}': {exc}") from exc
        raise InferenceError(f"fact id collision for '{base}' persisted after 5 retries")


def _noop(c: Any) -> None:
    return None


def _engine_fact(fact: EngineFact, sid: str, fid: str) -> dict[str, Any]:
    if len(fact.values) > MAX_FIELDS:
        raise InferenceError(f"fact '{fact.kind}' has {len(fact.values)} fields (limit {MAX_FIELDS})")
    out: dict[str, Any] = {"kind": fact.kind, "ref": fact.ref, "sid": sid, "id": fid, "_e": 1}
    for key, value in fact.values.items():
        if key in out:
            raise InferenceError(f"field name '{key}' is reserved")
        if isinstance(value, float) and ("e" in repr(value) or value != value):
            raise InferenceError(f"value {value!r} of '{key}' cannot be read by the engine")
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise InferenceError(f"text of '{key}' is longer than {MAX_STRING} characters")
        if not isinstance(value, (bool, int, float, str)):
            raise InferenceError(f"value of '{key}' has unsupported type {type(value).__name__}")
        out[key] = value
    return out


def _pattern(p: Pattern) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{"kind": p.kind}]
    terms += [{"$ex": {name: 1}} for name in p.present]
    terms += [{"$nex": {name: 1}} for name in p.absent]
    terms += [_test(t) for t in p.tests]
    refs = {t.value.alias for t in p.tests if isinstance(t.value, Ref)}
    for alias in sorted(refs, key=str):  # the always-true pad that keeps the last expression true (#381)
        terms.append({"_e": {"$m": "_e"}} if alias is None else {"_e": {alias: "_e"}})
    alias = f"{p.alias}$not" if p.negated else p.alias
    return {alias: {"$and": terms}}


def _test(t: Comparison) -> dict[str, Any]:
    value: Any = t.value
    if isinstance(value, Ref):
        value = {"$m": value.field} if value.alias is None else {value.alias: value.field}
    if t.op is Op.EQ:
        return {t.field: value}
    return {_OPS[t.op]: {t.field: value}}
