"""Messages a user meets in the first hour (issue 12, item 7, the command line's part)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MACUN = ROOT / "cases" / "macun-2020"


def test_a_folder_of_cases_suggests_inspect(fazhi):
    code, out, err = fazhi("check", ROOT / "cases")
    assert code == 2 and out == ""
    first_case = sorted(p.name for p in (ROOT / "cases").iterdir() if (p / "facts.yaml").exists())[0]
    assert "这是存放多个案例的文件夹" in err and "fazhi inspect" in err and f"fazhi check {ROOT / 'cases' / first_case}" in err
    code, out, err = fazhi("check", ROOT / "cases", "--lang", "en")
    assert code == 2 and "a folder of cases" in err and "fazhi inspect" in err


def test_a_folder_without_facts_names_the_file(fazhi, tmp_path):
    code, _, err = fazhi("check", tmp_path)
    assert code == 2 and "facts.yaml" in err and "没有此事实文件" in err


def test_facts_yml_is_accepted(fazhi, tmp_path):
    case = tmp_path / "macun-2020"
    case.mkdir()
    shutil.copy(MACUN / "facts.yaml", case / "facts.yml")
    code, out, err = fazhi("check", case, "--date", "2021-06-01", "--format", "json")
    assert code == 1, err
    assert json.loads(out)["case"]["district"] == "马村区"


def test_rules_show_ignores_case_and_suggests_the_nearest_id(fazhi):
    code, out, _ = fazhi("rules", "show", "ts-review-staff-5pct")
    assert code == 0 and out.startswith("TS-REVIEW-STAFF-5PCT")
    code, out, err = fazhi("rules", "show", "TS-REVIEW-STAFF")
    assert code == 2 and out == "" and "是否应为“TS-REVIEW-STAFF-5PCT”" in err
    code, out, err = fazhi("rules", "show", "TS-REVIEW-STAFF", "--lang", "en")
    assert code == 2 and "did you mean 'TS-REVIEW-STAFF-5PCT'" in err


def test_rules_show_and_list_name_no_english_code_in_chinese(fazhi):
    """等级: major, 依据可信度: verbatim, a fact type (int) or a domain id were shown in Chinese output."""
    code, out, _ = fazhi("rules", "show", "la-veto")
    assert code == 0 and "等级: 提示" in out and "依据可信度: 转述" in out and "领域: 法律顾问和公职律师制度" in out
    assert "（整数）" in out and "facts.yaml 中写作 legal_advisers.major_matters.proceeded_uncleared" in out
    for code_word in ("advisory", "paraphrased", "legal-advisers", "(int)", "[paraphrased]"):
        assert code_word not in out, code_word
    code, out, _ = fazhi("rules", "list", "--domain", "legal-advisers")
    assert code == 0 and "提示" in out and "法律顾问和公职律师制度" in out
    assert not any(w in out for w in ("advisory", "major ", "minor ", "legal-advisers"))
    code, out, _ = fazhi("rules", "show", "la-veto", "--lang", "en")
    assert "severity: advisory" in out and "confidence: paraphrased" in out


def test_check_with_a_profile_names_no_english_code_in_chinese(fazhi):
    code, out, _ = fazhi("check", MACUN, "--date", "2021-06-01", "--profile", "annual-evaluation")
    assert code == 1 and "行政执法三项制度：20分" in out and "（法治政府建设年度考评" in out
    assert "annual-report：" not in out and "three-systems" not in out and "annual-evaluation" not in out
    quality = next(line for line in out.splitlines() if line.startswith("[数据质量]"))
    assert quality.startswith("[数据质量] 报告所述行政应诉胜诉率：") and "win_rate" not in quality
    assert "依据: 《" in out and "DUCHA-2019" not in out


def test_domain_by_its_chinese_name(fazhi):
    code, by_id, _ = fazhi("rules", "list", "--domain", "three-systems", "--format", "json")
    assert code == 0 and by_id
    from fazhi.app.rules import load_rules
    title = load_rules().domain_titles["three-systems"].zh
    code, by_name, _ = fazhi("rules", "list", "--domain", title, "--format", "json")
    assert code == 0 and json.loads(by_name) == json.loads(by_id)
    code, by_part, _ = fazhi("rules", "list", "--domain", "三项制度", "--format", "json")  # part of one title only
    assert code == 0 and json.loads(by_part) == json.loads(by_id)
    code, _, err = fazhi("rules", "list", "--domain", "制度")  # part of two titles: which one is not guessed
    assert code == 2 and "没有领域“制度”" in err and "行政执法三项制度（three-systems）" in err
    code, _, err = fazhi("rules", "list", "--domain", "制度", "--lang", "en")
    assert code == 2 and "no domain '制度'" in err


def test_inspect_follows_a_symlinked_case_folder(fazhi, tmp_path):
    root = tmp_path / "cases"
    root.mkdir()
    (root / "macun-2020").symlink_to(MACUN, target_is_directory=True)
    code, _, err = fazhi("inspect", root, "--out", tmp_path / "out", "--jobs", "1", "--no-documents", "--date", "2021-06-01")
    assert code == 1, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [c["district"] for c in summary["cases"]] == ["马村区"]


def test_inspect_does_not_walk_a_link_back_up_twice(fazhi, tmp_path):
    root = tmp_path / "cases"
    shutil.copytree(MACUN, root / "macun-2020")
    (root / "loop").symlink_to(root, target_is_directory=True)
    code, _, err = fazhi("inspect", root, "--out", tmp_path / "out", "--jobs", "1", "--no-documents", "--date", "2021-06-01")
    assert code == 1, err
    assert len(json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["cases"]) == 1


def test_inspect_takes_templates(fazhi, tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "inspect.html.j2").write_text("<p>our own dashboard {{ evaluated_on }}</p>\n", encoding="utf-8")
    code, _, err = fazhi("inspect", MACUN, "--out", tmp_path / "out", "--jobs", "1", "--no-documents",
                         "--templates", own, "--date", "2021-06-01")
    assert code == 1, err
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8") == "<p>our own dashboard 2021-06-01</p>\n"
    code, _, err = fazhi("inspect", MACUN, "--out", tmp_path / "out2", "--templates", tmp_path / "none")
    assert code == 2 and "--templates" in err and not (tmp_path / "out2").exists()


def test_the_two_counts_are_labelled(fazhi):
    code, out, _ = fazhi("check", MACUN, "--date", "2021-06-01")
    line = out.splitlines()[1]
    assert code == 1 and "条结论（" in line and "项要求）" in line
    code, out, _ = fazhi("check", MACUN, "--date", "2021-06-01", "--lang", "en")
    assert " findings (" in out.splitlines()[1] and " requirements)" in out.splitlines()[1]
