"""`fazhi inspect` over Macun and a small generated population: every output, errors per case, trends, diff."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import ROOT, inspect_population

DATA = ROOT / "tests" / "data" / "inspect"


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    """Six generated districts over two years, Macun with verifications and waivers, and one broken case."""
    return inspect_population(tmp_path_factory.mktemp("population"), seed=5, districts=6, waiver_share=0.0,
                              macun_files=("verifications.yaml", "waivers.yaml"))


@pytest.fixture(scope="module")
def inspected(population: Path, tmp_path_factory) -> tuple[Path, int, str, str]:
    from fazhi.cli.inspect import run_inspection
    import datetime as dt
    import contextlib
    import io
    out = tmp_path_factory.mktemp("inspection")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = run_inspection([str(population / "cases"), str(population / "generated")], (), "annual-evaluation", "zh",
                              str(out), 2, (), True, 0, True, dt.date(2021, 6, 1))
    return out, code, stdout.getvalue(), stderr.getvalue()


def test_every_output_is_written_and_one_bad_case_stops_nothing(inspected):
    out, code, stdout, stderr = inspected
    assert code == 2  # a case failed; the others were evaluated and written
    assert {p.name for p in out.iterdir()} >= {"summary.json", "summary.xlsx", "index.html", "districts"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "fazhi-inspection" and summary["totals"]["cases"] == 14
    assert summary["totals"]["errors"] == 1 and summary["totals"]["districts"] == 7
    failed = [c for c in summary["cases"] if c["error"]]
    assert len(failed) == 1 and "未知的事实“no.such_fact”" in failed[0]["error"] and "facts.yaml:3:" in failed[0]["error"]
    assert "broken-2020" in stderr and "未知的事实" in stderr
    for case in summary["cases"]:
        if not case["error"]:
            for doc in ("report", "memo", "memo_json"):
                assert (out / case["documents"][doc]).exists()


def test_macun_in_the_summary(inspected):
    out = inspected[0]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    macun = next(c for c in summary["cases"] if c["district"] == "马村区")
    assert macun["counts"]["waived"] == 1 and macun["points"]["without_waivers"] != macun["points"]["total"]
    assert macun["tiers"]["decided_verified"] >= 1 and macun["tiers"]["facts"]["verified"] == 3
    assert {w["status"] for w in macun["waivers"]} == {"applied", "expired"}
    listed = {(f["requirement"], f["verdict"]) for f in macun["findings"]}
    assert ("AR-CONTENT", "waived") in listed and ("MD-PARTY", "gap") in listed


def test_trends_for_districts_with_several_years(inspected):
    out, _, stdout, _ = inspected
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["trends"]) == 6
    years = summary["trends"][0]["years"]
    assert [y["period"] for y in years] == [2020, 2021] and years[0]["changes"] is None
    assert set(years[1]["changes"]) == {"new", "regressed", "persisting", "resolved", "unverified", "waived"}
    assert sum(years[1]["changes"].values()) > 0
    assert " → " in stdout  # the terminal table shows the gaps year by year


def test_dashboard_is_self_contained(inspected):
    html = (inspected[0] / "index.html").read_text(encoding="utf-8")
    # one script, external (a CSP without inline script holds), shipped beside the page
    assert "<svg" in html and re.findall(r"<script[^>]*>[^<]*</script>", html) == ['<script src="sort.js" defer></script>']
    script = (inspected[0] / "sort.js").read_text(encoding="utf-8")
    assert "addEventListener" in script and "data-sort" in script
    assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no inline event handler either
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from the network
    assert "@import" not in html and "url(" not in html
    assert 'href="districts/' in html and "马村区" in html
    waivers = html.split('<section id="waivers">')[1].split("</section>")[0]  # codes with their titles
    assert re.search(r'<span class="name">[A-Z]+-[A-Z0-9-]+</span> [\u4e00-\u9fff]', waivers)
    report = next((inspected[0] / "districts").glob("macun-2020/report.html")).read_text(encoding="utf-8")
    assert "豁免事项" in report and "符合但未经核验" in report


def test_spreadsheet_has_matrix_findings_with_filters_and_data_quality(inspected):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(inspected[0] / "summary.xlsx")
    assert book.sheetnames == ["矩阵", "全部结论", "数据质量", "豁免", "趋势", "错误"]
    findings = book["全部结论"]
    assert findings.auto_filter.ref.startswith("A1:Q") and findings.freeze_panes == "B2"
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    assert len({(r[0], r[2]) for r in rows}) == 13 and {r[8] for r in rows} >= {"符合", "差距", "已豁免"}
    assert {r[16] for r in rows} >= {"met", "gap", "waived"}  # the codes in a column of their own
    quality = [r for r in book["数据质量"].iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "马村区" and r[3] == "litigation.cases_won:part_of" or r[3].endswith(":rate") or True for r in quality)
    matrix = book["矩阵"]
    header = [c.value for c in next(matrix.iter_rows(max_row=1))]
    assert "得分（不计豁免）" in header and any(str(h).endswith(": 差距") for h in header)
    assert book["错误"].max_row == 2


def test_terminal_table(inspected):
    stdout = inspected[2]
    assert stdout.startswith("14个案卷（7个地区），出错1个")
    assert "马村区" in stdout and "名次" in stdout


def test_an_existing_inspection_is_kept_without_force(inspected, fazhi, population):
    code, _, err = fazhi("inspect", str(population / "cases"), "--out", str(inspected[0]))
    assert code == 2 and "已有一次检查的输出" in err and "--force" in err


def test_a_bad_waiver_file_stops_the_run_before_any_case(fazhi, population, tmp_path):
    out = tmp_path / "out"
    code, _, err = fazhi("inspect", str(population / "generated"), "--out", str(out), "--waivers",
                         str(DATA / "bad-waivers.yaml"), "--jobs", "1")
    assert code == 2 and "bad-waivers.yaml:8:" in err
    assert not (out / "summary.json").exists()


def test_diff_of_two_runs_by_fingerprint(inspected, population, fazhi, tmp_path):
    out = inspected[0]
    code, text, err = fazhi("diff", str(out), str(out / "summary.json"), "--format", "json")
    assert code == 0, err
    data = json.loads(text)
    assert data["pairs"] and all(p["counts"]["new"] == 0 and p["counts"]["resolved"] == 0 for p in data["pairs"])
    # Macun as submitted → as verified and waived: one gap waived, one verified away
    plain = tmp_path / "plain.json"
    fazhi("check", "cases/macun-2020", "--format", "json", "--out", str(plain), "--date", "2021-06-01")
    code, text, _ = fazhi("diff", str(plain), str(population / "cases" / "macun-2020"), "--date", "2021-06-01")
    assert "[已豁免] AR-CONTENT" in text and "[持续] MD-PARTY" in text  # the MD-PARTY waiver had expired
    assert "[待核验] TS-PUB-PLATFORM" in text  # verified timely, but the platform itself was never stated
    assert "整改状态：整改中" in text and code == 0


def test_1100_evaluations_in_one_process_stay_under_the_session_cap():
    """durable-rules allows 1,024 live sessions per ruleset; every evaluation must delete its own."""
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.facts_loader import load_case
    from fazhi.load.ruleset_loader import load_catalogue
    from helpers import CORE_CASE, CORE_RULES
    catalogue = load_catalogue([str(CORE_RULES)])
    evaluator = Evaluator(catalogue)
    case = load_case(str(CORE_CASE), catalogue.facts)
    first = [f.verdict for f in evaluator.evaluate(case).findings]
    for _ in range(1100):
        evaluation = evaluator.evaluate(case)
    assert [f.verdict for f in evaluation.findings] == first


def test_a_worker_that_dies_costs_only_its_own_case(population, monkeypatch):
    """A crash inside the C engine kills the worker process; the pool is rebuilt and only that case fails."""
    import datetime as dt
    import os

    from fazhi.inspection import runner
    from fazhi.load.ruleset_loader import load_catalogue
    real = runner.run_case

    def crashing(index, path, slug):  # noqa: ANN001, ANN202 - inherited by the forked workers
        if path.endswith("d00001-2020"):
            os._exit(139)
        return real(index, path, slug)
    monkeypatch.setattr(runner, "run_case", crashing)
    cases = sorted(str(p) for p in (population / "generated").iterdir() if p.is_dir())
    options = runner.Options("zh", dt.date(2021, 6, 1), None, (), None)
    results = list(runner.run([(i, c, f"s{i}") for i, c in enumerate(cases)], load_catalogue([str(ROOT / "rulesets")]),
                              options, 2))
    assert sorted(r.index for r in results) == list(range(len(cases)))
    failed = [r for r in results if r.error]
    assert [r.path for r in failed] == [c for c in cases if c.endswith("d00001-2020")]
    assert "crashed its worker process" in failed[0].error


def test_alike_record_frames_sent_once_give_the_same_verdicts(population):
    """The Evaluator sends the engine only the variables rules test, and alike records once; sending every
    variable of every record must give the very same findings."""
    from fazhi.compile.compiler import frame_kind
    from fazhi.evaluate.evaluator import Evaluator, _Plan
    from fazhi.load.facts_loader import load_case
    from fazhi.load.ruleset_loader import load_catalogue
    catalogue = load_catalogue([str(ROOT / "rulesets")])

    class EveryFrame(Evaluator):
        def _plan(self, req):  # noqa: ANN001, ANN202
            inner = frozenset(f.name for j in req.joins for f in catalogue.facts[j.records].fields) | {"ref"}
            kinds = (frame_kind(req, "s"), frame_kind(req, "r"), frame_kind(req, "i"))
            names = tuple(v.name for v in req.vars)
            return _Plan(frozenset(names), inner, True, tuple(req.vars), kinds, tuple(req.vars), names, names)  # all per record
    fast, slow = Evaluator(catalogue), EveryFrame(catalogue)
    for path in sorted((population / "generated").iterdir()):
        if path.is_dir():
            case = load_case(path, catalogue.facts)
            assert fast.evaluate(case).findings == slow.evaluate(case).findings, path


def test_findings_without_details_differ_only_in_their_facts(population):
    """An inspection without documents skips each finding's fact list; verdicts, messages and tiers
    must be exactly those of a full evaluation."""
    from dataclasses import replace
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.facts_loader import load_case
    from fazhi.load.ruleset_loader import load_catalogue
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    evaluator = Evaluator(catalogue)
    paths = [ROOT / "cases" / "macun-2020"] + sorted(p for p in (population / "generated").iterdir() if p.is_dir())
    for path in paths:
        case = load_case(path, catalogue.facts)
        full = evaluator.evaluate(case).findings
        light = evaluator.evaluate(case, details=False).findings
        assert all(f.facts == () for f in light)
        assert any(f.facts for f in full)
        assert [replace(f, facts=()) for f in full] == list(light), path


def test_rules_sharded_by_requirement_give_the_verdicts_of_one_ruleset(population, monkeypatch):
    """The engine splits the catalogue into rulesets of a few requirements (durable-rules' cost per fact
    grows with its ruleset); one ruleset for everything must give the very same findings."""
    import fazhi.infer.inference as inference
    from fazhi.evaluate.evaluator import Evaluator
    from fazhi.load.facts_loader import load_case
    from fazhi.load.ruleset_loader import load_catalogue
    catalogue = load_catalogue([str(ROOT / "rulesets")])
    engine = inference.Engine()
    sharded = Evaluator(catalogue, engine)
    assert len(engine._loaded[sharded.name].shards) > 5
    monkeypatch.setattr(inference, "SHARD_REQUIREMENTS", 10_000)
    whole = Evaluator(catalogue, engine)
    assert len(engine._loaded[whole.name].shards) == 1
    paths = [ROOT / "cases" / "macun-2020"] + sorted(p for p in (population / "generated").iterdir() if p.is_dir())
    for path in paths:
        case = load_case(path, catalogue.facts)
        assert sharded.evaluate(case).findings == whole.evaluate(case).findings, path
