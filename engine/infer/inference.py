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
- More than 1,024 live sessions per ruleset raise MemoryError: one session per evaluation in each
  shard it uses, deleted afterwards.
- One alpha node may feed at most 255 rules: rules are grouped under several sentinels.
- One fact id hash collision (32-bit, upstream #376) refuses a whole batch: the case is asserted again,
  one fact at a time with salted ids.
- The host's action loop decodes every match and re-encodes the session state after each action,
  which costs more than the matching, and swallows exceptions into the state: the evaluation drives
  the C core's loop itself (assert the batch, then start/complete each action), so nothing is swallowed.
"""
from __future__ import annotations

import copy
import itertools
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import durable_rules_engine as _core
from durable import engine as _durable

from fazhi.compile.compiler import Comparison, Pattern, Ref, RuleSpec
from fazhi.errors import InferenceError
from fazhi.model.conditions import Op

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


_sessions = itertools.count()


class _QuietHost(_durable.Host):
    def _run(self) -> None:  # no background timer threads: they run actions late, on another thread
        return None


@dataclass(frozen=True)
class _Shard:
    """One durable-rules ruleset holding the rules of a few requirements."""

    internal: str  # its name in the host
    handle: int
    groups: tuple[int, ...]  # its sentinel groups
    fires_without_facts: bool  # a rule of only negations could fire on the sentinel alone


@dataclass(frozen=True)
class _Loaded:
    shards: tuple[_Shard, ...]
    route: Mapping[str, int]  # fact kind -> the shard whose rules read it
    names_only: frozenset[str]


class Engine:
    """One per process. `load` compiled rules under a name, then `evaluate` facts against them."""

    def __init__(self) -> None:
        self._host = _QuietHost()
        self._lock = threading.RLock()
        self._loaded: dict[str, _Loaded] = {}
        self._counter = itertools.count()

    def load(self, name: str, rules: Sequence[RuleSpec], names_only: Iterable[str] = ()) -> None:
        """`names_only`: rules whose matches the caller tells apart by rule alone; what fired for them
        is reported without the refs of the matched facts, which saves decoding the match.

        The rules are split into shards of a few requirements each, every shard a ruleset of its own,
        and each fact goes only to the shard whose rules read its kind: durable-rules' cost per fact
        grows with the rules in its ruleset, and sharding the catalogue halved the engine's time
        (bench/bench_inspect.py). Rules that share a fact kind always share a shard."""
        parts = _shard(rules)
        with self._lock:
            self.unload(name)
            shards, route = [], {}
            try:
                for index, part in enumerate(parts):
                    shards.append(self._register(f"{name}-{next(self._counter)}", part))
                    route.update((kind, index) for spec in part for kind in _kinds(spec))
            except BaseException:
                for shard in shards:
                    self._drop(shard)
                raise
            self._loaded[name] = _Loaded(tuple(shards), route, frozenset(names_only))

    def _register(self, internal: str, rules: Sequence[RuleSpec]) -> _Shard:
        definition: dict[str, Any] = {}
        groups: list[int] = []
        for index, spec in enumerate(rules):
            group = index // RULES_PER_SENTINEL
            if not groups or groups[-1] != group:
                groups.append(group)
            sentinel = {"go": {"$and": [{"kind": SENTINEL}, {"grp": group}]}}
            patterns = [sentinel] + [_pattern(p) for p in spec.patterns]
            definition[spec.id] = {"all": patterns, "run": _noop}  # never run: see _drain
        definition["sink!"] = {"all": [{"a": {"$ex": {"kind": 1}}}, {"b": {"kind": "never!"}}], "run": _noop}
        definition["warmup!"] = {"all": [{"w": {"kind": "warmup!"}}], "run": _noop}
        try:
            self._host.register_rulesets({internal: copy.deepcopy(definition)})
        except Exception as exc:  # durable raises bare Exception and its C error type
            raise InferenceError(f"the engine rejected ruleset '{internal}': {exc}") from exc
        self._warm_up(internal)
        return _Shard(internal, self._host.get_ruleset(internal)._handle, tuple(groups),
                      any(all(p.negated for p in spec.patterns) for spec in rules))

    def _warm_up(self, internal: str) -> None:
        """Fire one rule in a throwaway session: delete_state crashes the process (free(): invalid pointer)
        when no rule of the ruleset has ever fired before, e.g. a first case with almost no facts."""
        sid = "warmup-" + uuid.uuid4().hex
        self._host.assert_fact(internal, {"sid": sid, "id": "w", "kind": "warmup!", "_e": 1})
        self._host.delete_state(internal, sid)

    def unload(self, name: str) -> None:
        """Free a loaded ruleset: durable-rules has no public unregister, and each costs about 0.5 MB."""
        with self._lock:
            loaded = self._loaded.pop(name, None)
            for shard in loaded.shards if loaded else ():
                self._drop(shard)

    def _drop(self, shard: _Shard) -> None:
        ruleset = self._host._ruleset_directory.pop(shard.internal, None)
        if ruleset is not None:
            self._host._ruleset_list.remove(ruleset)
            _core.delete_ruleset(ruleset._handle)

    def evaluate(self, name: str, facts: Sequence[EngineFact]) -> list[Fired]:
        loaded = self._loaded.get(name)
        if loaded is None:
            raise InferenceError(f"no ruleset '{name}' is loaded")
        parts: list[list[EngineFact]] = [[] for _ in loaded.shards]
        route = loaded.route
        for fact in facts:  # a kind no rule reads goes to the first shard, whose sink takes it
            parts[route.get(fact.kind, 0)].append(fact)
        fired: list[Fired] = []
        with self._lock:
            for shard, part in zip(loaded.shards, parts):
                if part or shard.fires_without_facts:
                    fired += self._evaluate_shard(shard, part, loaded.names_only)
        return sorted(fired, key=lambda f: (f.rule, f.refs))

    def _evaluate_shard(self, shard: _Shard, facts: list[EngineFact], plain: frozenset[str]) -> list[Fired]:
        handle = shard.handle
        sid = self._session_id()
        batch = [_engine_fact(fact, sid, f"f{i}") for i, fact in enumerate(facts)]
        batch += [_sentinel(sid, group) for group in shard.groups]
        try:
            return self._run_batch(handle, batch, plain)
        except _Collision:  # a 32-bit id hash collided (upstream #376): again, one fact at a time
            _delete(handle, sid)
            sid = self._session_id()
            for fact in batch:
                fact["sid"] = sid
            return self._run_one_by_one(handle, batch, plain)
        finally:
            _delete(handle, sid)

    def _session_id(self) -> str:
        """A new session's id: unique in this process (durable-rules' state is per process, forked or
        not), and short, since every fact of the session carries it through JSON both ways."""
        return f"s{next(_sessions):x}"

    def _run_batch(self, handle: int, batch: list[dict[str, Any]], plain: frozenset[str]) -> list[Fired]:
        """All facts and then the sentinels in one call (the sentinels last, so negations see every fact);
        then every action, collected here. The host's own action loop would decode each match and
        re-encode the session state after every action, which costs more than the matching."""
        state = _check(_core_call(_core.assert_facts, handle, _json(batch)), batch)
        return self._drain(handle, state, plain)

    def _run_one_by_one(self, handle: int, batch: list[dict[str, Any]], plain: frozenset[str]) -> list[Fired]:
        fired: list[Fired] = []
        for fact in batch:
            base = fact["id"]
            for salt in range(6):
                result = _core_call(_core.assert_fact, handle, _json(fact))
                if result[0] != _OBSERVED:
                    break
                fact["id"] = f"{base}#{salt + 1}"
            else:
                raise InferenceError(f"fact id collision for '{base}' persisted after 5 retries")
            fired += self._drain(handle, _check(result, fact), plain)
        return fired

    def _drain(self, handle: int, state: int, plain: frozenset[str]) -> list[Fired]:
        fired: list[Fired] = []
        result = _core_call(_core.start_action_for_state, handle, state) if state else None
        messages = result[1] if result else None
        complete_and_start = _core.complete_and_start_action
        while messages:
            try:
                fired.append(_read(messages, plain))
            except Exception:
                _core.abandon_action(handle, state)
                raise
            try:
                messages = complete_and_start(handle, state)
            except _core.error as exc:
                raise InferenceError(f"the engine failed: {exc}") from exc
        return fired


def _read(messages: str, names_only: frozenset[str]) -> Fired:
    """What fired, from one match: `{"<rule>": {"<alias>": {fact}, …}}` (a list of such frames for a
    rule that collects several)."""
    rule = messages[2:messages.find('":', 2)]
    if rule in names_only:
        return Fired(rule, ())
    refs = _quick_refs(messages)
    if refs is None:
        (rule, match), = json.loads(messages).items()
        frames = match if isinstance(match, list) else [match]
        refs = tuple(sorted((alias, str(fact.get("ref"))) for frame in frames for alias, fact in frame.items()
                            if alias != "go"))
    return Fired(rule, refs)


_FACT_START = '":{"kind": "'  # how every data fact in a match begins (`_engine_fact` writes `kind` first)
_REF_START = '", "ref": "'


def _quick_refs(messages: str) -> tuple[tuple[str, str], ...] | None:
    """The (alias, ref) pairs of a single match without decoding all of it. durable-rules hands back
    each fact's text as it was asserted, and `_engine_fact` writes `kind` and `ref` first, so every
    data fact appears as `"<alias>":{"kind": "…", "ref": "…"`; the sentinel starts with `sid`. Inside
    a JSON string every `"` is escaped, so these markers only match structure. Anything else (a list
    of frames, an escape in a kind or ref, another layout) returns None and is decoded in full."""
    if messages.startswith("[", messages.find('":', 2) + 2):
        return None
    found = []
    at = messages.find(_FACT_START)
    while at >= 0:
        alias_start = messages.rfind('"', 0, at) + 1
        ref_start = messages.find(_REF_START, at + 12)
        ref_end = messages.find('"', ref_start + 11)
        if ref_start < 0 or ref_end < 0 or "\\" in messages[at:ref_end]:
            return None
        found.append((messages[alias_start:at], messages[ref_start + 11:ref_end]))
        at = messages.find(_FACT_START, ref_end)
    if not found:
        return None
    found.sort()
    return tuple(found)


class _Collision(Exception):
    """durable-rules took a new fact for one it has seen: their ids hash alike."""


_OBSERVED, _NOT_HANDLED = 2, 1


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _core_call(function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except _core.error as exc:
        raise InferenceError(f"the engine failed: {exc}") from exc


def _check(result: tuple[int, int], facts: Any) -> int:
    """The state handle of a successful assert; durable's codes otherwise (1 unhandled, 2 observed)."""
    code, state = result
    if code == _OBSERVED:
        raise _Collision()
    if code == _NOT_HANDLED:
        raise InferenceError(f"a fact reached no rule: {str(facts)[:200]}")
    return state


def _delete(handle: int, sid: str) -> None:
    try:
        _core.delete_state(handle, sid)
    except _core.error:  # code 309: no such session (nothing was stored)
        pass


def _sentinel(sid: str, group: int) -> dict[str, Any]:
    return {"sid": sid, "id": f"go{group}", "kind": SENTINEL, "grp": group, "_e": 1}


def _noop(c: Any) -> None:
    return None


SHARD_REQUIREMENTS = 12  # measured: 8 to 16 requirements a ruleset ran fastest; the whole catalogue in one took twice as long


def _kinds(spec: RuleSpec) -> set[str]:
    return {p.kind for p in spec.patterns}


def _shard(rules: Sequence[RuleSpec]) -> list[list[RuleSpec]]:
    """Rules in shards of SHARD_REQUIREMENTS requirements, in order; shards whose rules read a common
    fact kind are merged, so every rule sees every fact it could match."""
    shards: list[list[RuleSpec]] = []
    requirements: list[set[str]] = []
    for spec in rules:
        if not shards or (spec.requirement not in requirements[-1] and len(requirements[-1]) >= SHARD_REQUIREMENTS):
            shards.append([])
            requirements.append(set())
        shards[-1].append(spec)
        requirements[-1].add(spec.requirement)
    merged: list[list[RuleSpec]] = []
    owner: dict[str, int] = {}  # kind -> index in merged
    for part in shards:
        kinds = set().union(*(_kinds(spec) for spec in part))
        targets = sorted({owner[k] for k in kinds if k in owner})
        if not targets:
            merged.append(list(part))
            index = len(merged) - 1
        else:
            index = targets[0]
            for other in reversed(targets[1:]):  # fold the others into the first
                merged[index] += merged[other]
                merged[other] = []
            merged[index] += part
        for spec in merged[index]:
            for kind in _kinds(spec):
                owner[kind] = index
    return [part for part in merged if part]


_RESERVED = frozenset(("kind", "ref", "sid", "id", "_e"))


def _engine_fact(fact: EngineFact, sid: str, fid: str) -> dict[str, Any]:
    """The fact as durable-rules takes it; `kind` and `ref` first (see `_quick_refs`)."""
    values = fact.values
    if len(values) > MAX_FIELDS:
        raise InferenceError(f"fact '{fact.kind}' has {len(values)} fields (limit {MAX_FIELDS})")
    for key, value in values.items():
        kind = type(value)
        if kind is int or kind is bool:
            continue
        if kind is float:
            if "e" in repr(value) or value != value:
                raise InferenceError(f"value {value!r} of '{key}' cannot be read by the engine")
        elif kind is str:
            if len(value) > MAX_STRING:
                raise InferenceError(f"text of '{key}' is longer than {MAX_STRING} characters")
        else:
            raise InferenceError(f"value of '{key}' has unsupported type {kind.__name__}")
    if not _RESERVED.isdisjoint(values):
        raise InferenceError(f"field name '{sorted(_RESERVED.intersection(values))[0]}' is reserved")
    return {"kind": fact.kind, "ref": str(fact.ref), "sid": sid, "id": fid, "_e": 1, **values}


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
