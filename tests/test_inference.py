"""The durable-rules wrapper: negation in both fact orders, cross-fact joins, and many evaluations."""
from __future__ import annotations

import itertools
import resource

import pytest

from fazhi.compile.compiler import Comparison, Pattern, Ref, RuleSpec
from fazhi.infer.inference import Engine, EngineFact
from fazhi.model.conditions import Op

UNREVIEWED = RuleSpec("unreviewed", "R", "gap", (
    Pattern("o", "decision", ("day",), ()),
    Pattern("j", "review", (), (Comparison(Op.EQ, "decision", Ref("o", "ref")),), negated=True),
))
REVIEWED_BEFORE = RuleSpec("reviewed_before", "R", "met", (
    Pattern("o", "decision", ("day",), ()),
    Pattern("j", "review", (), (Comparison(Op.EQ, "decision", Ref("o", "ref")), Comparison(Op.LT, "day", Ref("o", "day")))),
))
OVER_LIMIT = RuleSpec("over_limit", "R", "gap", (Pattern("o", "usage", ("used", "limit"), (Comparison(Op.GT, "used", Ref(None, "limit")),)),))

DECISIONS = [EngineFact("decision", "D1", {"day": "2020-05-10"}), EngineFact("decision", "D2", {"day": "2020-06-01"}),
             EngineFact("decision", "D3", {"day": "2020-07-01"})]
REVIEWS = [EngineFact("review", "R1", {"decision": "D1", "day": "2020-05-08"}),
           EngineFact("review", "R2", {"decision": "D2", "day": "2020-06-03"})]


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = Engine()
    e.load("test", [UNREVIEWED, REVIEWED_BEFORE, OVER_LIMIT])
    return e


def fired(engine: Engine, facts: list[EngineFact]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [(f.rule, f.refs) for f in engine.evaluate("test", facts)]


@pytest.mark.parametrize("order", ["decisions first", "reviews first", "interleaved"])
def test_negation_sees_reviews_asserted_in_any_order(engine: Engine, order: str) -> None:
    facts = {"decisions first": DECISIONS + REVIEWS, "reviews first": REVIEWS + DECISIONS,
             "interleaved": [DECISIONS[0], REVIEWS[1], DECISIONS[2], REVIEWS[0], DECISIONS[1]]}[order]
    result = fired(engine, facts)
    assert ("unreviewed", (("o", "D3"),)) in result
    assert not any(rule == "unreviewed" and refs != (("o", "D3"),) for rule, refs in result)


def test_less_than_join_matches_only_earlier_reviews(engine: Engine) -> None:
    result = [r for r in fired(engine, DECISIONS + REVIEWS) if r[0] == "reviewed_before"]
    assert result == [("reviewed_before", (("j", "R1"), ("o", "D1")))]


def test_self_reference_comparison_needs_both_values(engine: Engine) -> None:
    facts = [EngineFact("usage", "U1", {"used": 6, "limit": 5}), EngineFact("usage", "U2", {"used": 5, "limit": 5}),
             EngineFact("usage", "U3", {"used": 6})]
    assert [refs for rule, refs in fired(engine, facts) if rule == "over_limit"] == [(("o", "U1"),)]


def _rss_kb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() // 1024


def test_two_thousand_evaluations_keep_memory_flat_and_pass_the_session_cap(engine: Engine) -> None:
    facts = DECISIONS + REVIEWS
    expected = fired(engine, facts)
    for _ in range(200):  # warm-up: allocator pools fill before the measurement starts
        engine.evaluate("test", facts)
    start = _rss_kb()
    for i in range(2000):  # well past durable-rules' 1,024 live sessions per ruleset
        assert fired(engine, facts) == expected if i % 500 == 0 else engine.evaluate("test", facts)
    growth_mb = (_rss_kb() - start) / 1024
    assert growth_mb < 10, f"RSS grew {growth_mb:.1f} MB over 2,000 evaluations"


def test_reloading_a_ruleset_replaces_it(engine: Engine) -> None:
    e = Engine()
    e.load("x", [OVER_LIMIT])
    e.load("x", [UNREVIEWED])
    result = [(f.rule, f.refs) for f in e.evaluate("x", [DECISIONS[0], EngineFact("usage", "U", {"used": 9, "limit": 1})])]
    assert result == [("unreviewed", (("o", "D1"),))]


def test_results_do_not_depend_on_fact_order(engine: Engine) -> None:
    facts = DECISIONS + REVIEWS
    baseline = fired(engine, facts)
    for perm in itertools.islice(itertools.permutations(facts), 0, 120, 7):
        assert fired(engine, list(perm)) == baseline


def test_first_evaluation_that_fires_nothing_does_not_crash_the_process():
    # durable-rules frees an invalid pointer in delete_state when no rule of a ruleset has ever fired;
    # the wrapper warms each ruleset up. A crash would kill pytest itself, so run it in a child process.
    import subprocess
    import sys
    code = ("from fazhi.infer.inference import Engine, EngineFact\n"
            "from fazhi.compile.compiler import Comparison, Pattern, Ref, RuleSpec\n"
            "from fazhi.model.conditions import Op\n"
            "rule = RuleSpec('r', 'R', 'gap', (Pattern('o', 'usage', ('used', 'limit'), "
            "(Comparison(Op.GT, 'used', Ref(None, 'limit')),)),))\n"
            "e = Engine(); e.load('x', [rule])\n"
            "print(e.evaluate('x', [EngineFact('usage', 'U', {'used': 1})]))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_closing_evaluators_frees_their_rules():
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.ruleset_loader import load_catalogue
    from helpers import CORE_RULES
    catalogue = load_catalogue([str(CORE_RULES)])
    for _ in range(50):
        with Evaluator(catalogue) as evaluator:
            engine = evaluator.engine
            assert evaluator.name in engine._loaded
        assert evaluator.name not in engine._loaded
    start = _rss_kb()
    for _ in range(300):
        with Evaluator(catalogue):
            pass
    assert (_rss_kb() - start) / 1024 < 40  # unclosed, 300 evaluators would hold about 150 MB


TRICKY = ['D"1', 'o":{"kind": "x", "ref": "y', "\\", "决策\u2028一", "", "a,b}", '"ref": "z"']


@pytest.mark.parametrize("ref", TRICKY)
def test_refs_read_from_the_match_text_equal_a_full_decode(engine: Engine, ref: str, monkeypatch) -> None:
    import fazhi.infer.inference as inference
    facts = [EngineFact("decision", ref, {"day": "2020-05-10", "note": ref}),
             EngineFact("review", ref + "r", {"decision": ref, "day": "2020-05-01", "note": '":{"kind": "'}),
             EngineFact("usage", ref, {"used": 6, "limit": 5, "note": ref})]
    quick = fired(engine, facts)
    monkeypatch.setattr(inference, "_quick_refs", lambda messages: None)
    assert fired(engine, facts) == quick
    assert ("over_limit", (("o", ref),)) in quick
    assert ("reviewed_before", (("j", ref + "r"), ("o", ref))) in quick


def test_refs_are_read_without_decoding_for_plain_refs_and_decoded_otherwise() -> None:
    from fazhi.infer.inference import _quick_refs
    sentinel = '"go":{"sid": "s", "id": "go0", "kind": "go!", "grp": 0, "_e": 1}'
    plain = ('{"R|gap|0":{%s,"o":{"kind": "r:R", "ref": "DE1", "sid": "s", "id": "f3", "_e": 1, "n": "x"},'
             '"j":{"kind": "i:R", "ref": "A 2", "sid": "s", "id": "f9", "_e": 1}}}' % sentinel)
    assert _quick_refs(plain) == (("j", "A 2"), ("o", "DE1"))
    escaped = '{"R|gap|0":{%s,"o":{"kind": "r:R", "ref": "D\\"1", "sid": "s", "id": "f3", "_e": 1}}}' % sentinel
    assert _quick_refs(escaped) is None  # decoded in full instead
    assert _quick_refs('{"R|gap|0":[{%s}]}' % sentinel) is None  # a list of frames


def test_an_id_hash_collision_reasserts_the_case_one_fact_at_a_time(engine: Engine, monkeypatch) -> None:
    import fazhi.infer.inference as inference
    expected = fired(engine, DECISIONS + REVIEWS)
    real = inference._core.assert_facts
    calls = []

    def collide(handle, text):  # durable answers code 2 when a new id hashes like one it has seen
        calls.append(text)
        real(handle, text)
        return (2, 0)
    monkeypatch.setattr(inference._core, "assert_facts", collide)
    assert fired(engine, DECISIONS + REVIEWS) == expected
    assert len(calls) == 1


def test_a_collision_in_the_one_by_one_pass_is_retried_with_a_salted_id(engine: Engine, monkeypatch) -> None:
    import fazhi.infer.inference as inference
    expected = fired(engine, DECISIONS + REVIEWS)
    real_one = inference._core.assert_fact
    refused: list[str] = []

    def batch_collides(handle, text):  # noqa: ANN001, ANN202
        return (2, 0)

    def first_try_collides(handle, text):  # noqa: ANN001, ANN202 - each fact's first id "hashes like" another
        fact = __import__("json").loads(text)
        if "#" not in fact["id"]:
            refused.append(fact["id"])
            return (2, 0)
        return real_one(handle, text)
    monkeypatch.setattr(inference._core, "assert_facts", batch_collides)
    monkeypatch.setattr(inference._core, "assert_fact", first_try_collides)
    assert fired(engine, DECISIONS + REVIEWS) == expected
    assert len(refused) == len(DECISIONS + REVIEWS) + 1  # every fact and the sentinel needed a salted id


def test_rules_that_read_a_common_kind_share_a_shard(monkeypatch) -> None:
    import fazhi.infer.inference as inference
    monkeypatch.setattr(inference, "SHARD_REQUIREMENTS", 1)
    other = RuleSpec("other", "Q", "gap", (Pattern("o", "usage", ("used",), (Comparison(Op.GT, "used", 100),)),))
    lone = RuleSpec("lone", "S", "gap", (Pattern("o", "memo", ("n",), ()),))
    shards = inference._shard([UNREVIEWED, OVER_LIMIT, other, lone])
    assert [[r.id for r in part] for part in shards] == [["unreviewed", "over_limit", "other"], ["lone"]]
    e = Engine()
    e.load("x", [UNREVIEWED, OVER_LIMIT, other, lone])
    facts = DECISIONS + [EngineFact("usage", "U", {"used": 200, "limit": 5}), EngineFact("memo", "M", {"n": 1}),
                         EngineFact("unread", "Z", {})]
    assert [f.rule for f in e.evaluate("x", facts)] == ["lone", "other", "over_limit"] + ["unreviewed"] * 3
