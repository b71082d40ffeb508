"""The remediation memo: owners, deadlines, memo.json and the 整改销号 round trip
(memo.json → a later check on changed facts → closed / open / reopened / unverified / new)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DOC_CASE, DOC_DATE, DOC_RULES
from fazhi.documents.memo import DEFAULT_DEADLINES, Deadlines, build_memo, parse_deadlines
from fazhi.documents.memo_json import fingerprint, progress, progress_data, progress_text, read_memo
from fazhi.documents.owners import Owners, load_owners
from fazhi.errors import InputError
from fazhi.vocabulary import Severity

DAY = dt.date(2021, 3, 1)
RULES = ("--rules", DOC_RULES)


def modified_case(tmp_path: Path, name: str, change) -> Path:
    """A copy of the test case whose facts `change(facts)` edits in place."""
    case = tmp_path / name
    case.mkdir()
    shutil.copy(DOC_CASE / "owners.yaml", case / "owners.yaml")
    data = yaml.safe_load((DOC_CASE / "facts.yaml").read_text(encoding="utf-8"))
    change(data["facts"])
    (case / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return case


# --- owners -------------------------------------------------------------------------------------

def test_owner_is_the_most_specific_mapping(doc_evaluate):
    memo = build_memo(doc_evaluate(), "zh", DAY, load_owners(str(DOC_CASE / "owners.yaml")))
    owners = {(i.requirement, i.record): (i.owner, i.owner_role) for i in memo.items}
    assert owners[("DE-REVIEW-STAFF", None)] == ("样例区司法局", "司法局")  # role
    assert owners[("DD-COMMENT-30D", "JC-01")] == ("样例区人民政府办公室", "政府办")  # domain
    assert owners[("DE-TRAINING-40H", None)] == ("样例区人力资源和社会保障局", "人社局")  # requirement
    plain = build_memo(doc_evaluate(), "zh", DAY)
    assert {i.owner for i in plain.items} == {"司法局", "人社局", "政府办"}  # no owners.yaml: the role


def test_owners_yaml_errors_name_file_and_line(tmp_path):
    path = tmp_path / "owners.yaml"
    path.write_text("roles:\n  司法局: 样例区司法局\nunits:\n  a: b\ndomains:\n  decisions: [x]\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_owners(str(path))
    text = str(exc.value)
    assert f"{path}:4:" in text and "unknown key 'units'" in text
    assert f"{path}:6:" in text and "domains.decisions" in text


def test_owners_file_absent_or_empty_means_roles(tmp_path):
    assert load_owners(str(tmp_path / "none.yaml")) == Owners()
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_owners(str(tmp_path / "empty.yaml")).unit("X", "司法局", "d") == "司法局"


# --- deadlines ----------------------------------------------------------------------------------

def test_deadlines_from_the_severity_table_and_the_rules(doc_evaluate):
    memo = build_memo(doc_evaluate(), "zh", DAY)
    due = {i.requirement: i.deadline_iso for i in memo.items}
    assert due["DE-REVIEW-BEFORE"] == "2021-03-16"  # the rule's own 15 days
    assert due["DE-REVIEW-STAFF"] == "2021-05-30"  # major: 90 days
    assert due["DE-TRAINING-40H"] == "2021-08-28"  # advisory: 180 days
    assert next(i for i in memo.items if i.requirement == "DE-REVIEW-STAFF").deadline == "2021年5月30日"


def test_deadlines_named_on_the_command_line_win(doc_evaluate):
    table = parse_deadlines("critical=7, major=60")
    assert table.table == {**DEFAULT_DEADLINES, "critical": 7, "major": 60}
    assert table.days(Severity.CRITICAL, 15) == 7 and table.days(Severity.MINOR, 20) == 20
    due = {i.requirement: i.deadline_iso for i in build_memo(doc_evaluate(), "zh", DAY, deadlines=table).items}
    assert due["DE-REVIEW-BEFORE"] == "2021-03-08" and due["DE-REVIEW-STAFF"] == "2021-04-30"
    assert Deadlines().days(Severity.MAJOR, None) == 90


@pytest.mark.parametrize("text, message", [("critical=0", "at least 1"), ("severe=3", "'severe' is not a severity"),
                                           ("major", "whole number")])
def test_bad_deadlines(text, message):
    with pytest.raises(InputError, match=message):
        parse_deadlines(text)


def test_acceptance_names_the_fact_and_value(doc_evaluate):
    items = {(i.requirement, i.record): i for i in build_memo(doc_evaluate(), "zh", DAY).items}
    assert items[("DE-REVIEW-STAFF", None)].acceptance == "法制审核人员占比 ≥ 5%"
    assert items[("DD-COMMENT-30D", "JC-02")].acceptance == "每项重大行政决策征求意见天数 ≥ 30日（事项JC-02）"
    assert items[("DE-TRAINING-40H", None)].acceptance == "人均培训不少于40学时"  # no acceptance: the expectation


# --- memo.json ----------------------------------------------------------------------------------

def test_memo_json_items_have_stable_ids(fazhi, tmp_path):
    out = tmp_path / "memo.json"
    assert fazhi("memo", DOC_CASE, *RULES, "--date", DOC_DATE, "--out", out)[0] == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0" and data["kind"] == "fazhi-memo" and data["evaluation_date"] == DOC_DATE
    assert data["case"]["district"] == "样例区" and data["case"]["period"] == 2020
    keys = {"id", "requirement", "record", "problem", "measure", "owner", "deadline", "acceptance", "status", "severity"}
    assert all(keys <= set(item) for item in data["items"]) and len(data["items"]) == 7
    first = data["items"][0]
    assert first["id"] == fingerprint("DE-REVIEW-BEFORE", "样例区", "JD-02") and first["status"] == "open"
    assert len({i["id"] for i in data["items"]}) == 7
    assert fingerprint("A", "样例区", None) != fingerprint("A", "其他区", None) != fingerprint("A", "样例区", "R1")


def test_the_round_trip_closed_open_reopened(fazhi, tmp_path):
    """Round 1 finds 7 gaps; round 2 (facts put right, some removed, one new gap); round 3 back to round 1."""
    memo1, memo2, memo3 = (tmp_path / f"memo{i}.json" for i in (1, 2, 3))
    assert fazhi("memo", DOC_CASE, *RULES, "--date", "2021-03-01", "--out", memo1)[0] == 0

    def put_right(facts):
        facts["doc.enforcement.reviewers"]["value"] = 20                      # 6%: closed
        facts["doc.enforcement.decisions"]["records"][1]["reviewed_on"] = dt.date(2020, 5, 30)  # JD-02 closed
        del facts["doc.enforcement.training_hours"]                            # unknown now: unverified
        items = facts["doc.decisions.items"]["records"]
        items[0]["comment_end"] = dt.date(2020, 5, 15)                         # JC-01: 44 days, closed
        del items[1]                                                           # JC-02 gone: unverified
        facts["doc.decisions.adviser"] = False                                 # a new gap
    fixed = modified_case(tmp_path, "fixed", put_right)
    code, _, err = fazhi("memo", fixed, *RULES, "--date", "2021-09-01", "--out", memo2, "--memo", memo1)
    assert code == 0, err
    second = {(i["requirement"], i["record"]): i["status"] for i in json.loads(memo2.read_text("utf-8"))["items"]}
    assert second == {
        ("DE-REVIEW-BEFORE", "JD-02"): "closed", ("DE-REVIEW-BEFORE", "JD-03"): "open",
        ("DE-REVIEW-STAFF", None): "closed", ("DE-TRAINING-40H", None): "unverified",
        ("DD-COMMENT-30D", "JC-01"): "closed", ("DD-COMMENT-30D", "JC-02"): "unverified",
        ("DD-COMMENT-30D", "JC-03"): "open", ("DD-ADVISER", None): "open",
    }
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--date", "2022-03-01", "--out", memo3, "--memo", memo2)
    assert code == 0, err
    third = {(i["requirement"], i["record"]): i["status"] for i in json.loads(memo3.read_text("utf-8"))["items"]}
    assert third == {
        ("DE-REVIEW-BEFORE", "JD-02"): "reopened", ("DE-REVIEW-BEFORE", "JD-03"): "open",
        ("DE-REVIEW-STAFF", None): "reopened", ("DE-TRAINING-40H", None): "open",
        ("DD-COMMENT-30D", "JC-01"): "reopened", ("DD-COMMENT-30D", "JC-02"): "open",
        ("DD-COMMENT-30D", "JC-03"): "open", ("DD-ADVISER", None): "closed",
    }
    report = tmp_path / "report.md"
    assert fazhi("report", DOC_CASE, *RULES, "--date", "2022-03-01", "--out", report, "--memo", memo2)[0] == 0
    text = report.read_text("utf-8")
    assert "## 四、整改销号情况" in text and "已销号1项，仍在整改4项，反弹3项，待核验0项；本次新增问题0项" in text
    assert "（上期问题，反弹）" in text


def test_progress_against_the_evaluation(doc_evaluate, fazhi, tmp_path):
    memo = tmp_path / "memo.json"
    fazhi("memo", DOC_CASE, *RULES, "--date", DOC_DATE, "--out", memo)
    fixed = modified_case(tmp_path, "fixed", lambda f: f["doc.enforcement.reviewers"].update(value=20))
    p = progress(doc_evaluate(fixed), read_memo(str(memo)))
    assert p.counts() == {"closed": 1, "open": 6, "reopened": 0, "unverified": 0, "new": 0}
    assert p.previous_date == dt.date(2021, 3, 1)
    text = progress_text(p, "zh")
    assert text.startswith("整改销号情况：对照2021年3月1日整改方案的7项问题：已销号1项")
    assert "[已销号] DE-REVIEW-STAFF " in text and "[整改中] DE-REVIEW-BEFORE (JD-02) " in text
    assert "[closed] DE-REVIEW-STAFF" in progress_text(p, "en")
    from fazhi.documents.memo_json import progress_from_file
    assert progress_from_file(doc_evaluate(fixed), str(memo)) == p  # what `fazhi check --memo` calls
    data = progress_data(p)
    assert data["counts"]["closed"] == 1 and data["items"][2]["status"] == "closed"
    json.dumps(data)  # serialisable as it is


def test_a_memo_of_another_district_is_refused(doc_evaluate, fazhi, tmp_path):
    memo = tmp_path / "memo.json"
    fazhi("memo", DOC_CASE, *RULES, "--date", DOC_DATE, "--out", memo)
    data = json.loads(memo.read_text("utf-8"))
    data["case"]["district"] = "其他区"
    memo.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(InputError, match="the memo is for '其他区'"):
        progress(doc_evaluate(), read_memo(str(memo)))


@pytest.mark.parametrize("text, where, message", [
    ('{"schema_version": "1.0",\n "items": [,]}', ":2:", "not valid JSON"),
    ('{"schema_version": "1.0", "case": {"district": "x", "period": 2020},\n "evaluation_date": "2021-03-01",\n'
     ' "items": [\n  {"id": "a", "requirement": "R", "problem": "p", "status": "done"}]}', ":4:", "'done' is not one of"),
    ('{"schema_version": "2.0", "case": {"district": "x", "period": 2020}, "evaluation_date": "2021-03-01", "items": []}',
     ":1:", "not supported"),
    ('{"schema_version": "1.0", "kind": "findings", "case": {"district": "x", "period": 2020},\n'
     ' "evaluation_date": "someday", "items": []}', ":2:", "not a date"),
])
def test_read_memo_errors_name_file_and_line(tmp_path, text, where, message):
    path = tmp_path / "memo.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_memo(str(path))
    assert f"{path}{where}" in str(exc.value) and message in str(exc.value)


def test_cli_errors_exit_2(fazhi, tmp_path):
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.json", "--memo", tmp_path / "none.json")
    assert code == 2 and "没有此整改方案文件" in err  # the run's language: Chinese by default
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.json", "--memo", tmp_path / "none.json",
                         "--lang", "en")
    assert code == 2 and "no such memo file" in err
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.json", "--deadlines", "critical=-1")
    assert code == 2 and "--deadlines" in err
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.json", "--owners", tmp_path / "none.yaml",
                         "--lang", "en")
    assert code == 2 and "no such owners file" in err
    assert not (tmp_path / "m.json").exists()


def test_macun_deadlines_follow_the_stated_rule():
    """Every deadline is the severity's days from the evaluation date, or the ruleset's own and then says so."""
    import datetime as dt
    from fazhi.app.check import check
    from fazhi.documents.memo import DEFAULT_DEADLINES, build_memo
    on = dt.date(2021, 3, 1)
    evaluation = check("cases/macun-2020", on=on).evaluation
    view = build_memo(evaluation, "zh", on)
    rules = {r.id: r for r in evaluation.catalogue.requirements}
    for item in view.items:
        days = (dt.date.fromisoformat(item.deadline_iso) - on).days
        if item.deadline_note:
            assert days == rules[item.requirement].remediation.deadline_days and "规则集规定" in item.deadline_note
        else:
            assert days == DEFAULT_DEADLINES[item.severity_code], item.requirement
    assert all(t.deadline.endswith("规定）") == ("（依《" in t.deadline) for t in view.tasks)
    assert "一般问题180日" in view.deadline_sentence and "较重问题90日" in view.deadline_sentence
    assert [t.number for t in view.tasks][:2] == ["整改事项1", "整改事项2"]
