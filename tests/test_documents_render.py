"""Templates and the commands: overrides with --templates, template errors with file and line,
HTML autoescaped and self-contained, outputs never overwritten silently."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import DOC_CASE, DOC_DATE, DOC_RULES
from fazhi.documents.render import TEMPLATE_DIR, render_template
from fazhi.errors import InputError

RULES = ("--rules", DOC_RULES, "--date", DOC_DATE)


def test_a_user_template_overrides_one_file_and_keeps_the_rest(fazhi, tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "_macros.md.j2").write_text(
        (TEMPLATE_DIR / "_macros.md.j2").read_text(encoding="utf-8").replace("| {{ L.item }} | {{ L.content }} |",
                                                                               "| 栏目 | 填写内容 |"), encoding="utf-8")
    out = tmp_path / "r.md"
    code, _, err = fazhi("report", DOC_CASE, *RULES, "--out", out, "--templates", custom)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "| 栏目 | 填写内容 |" in text and "## 二、存在的问题" in text  # the partial overridden, the page not


def test_a_syntax_error_names_the_template_and_line(fazhi, tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "memo.md.j2").write_text("# {{ doc.header.title }}\n\n{% for i in doc.items %}\n{{ i.problem }\n", encoding="utf-8")
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.md", "--templates", custom)
    assert code == 2
    assert f"{custom / 'memo.md.j2'}:4" in err and "template syntax error" in err
    assert not (tmp_path / "m.md").exists()


def test_an_undefined_variable_names_the_template_and_line(fazhi, tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "memo.html.j2").write_text("<h1>{{ doc.header.title }}</h1>\n<p>{{ doc.header.nonsense }}</p>\n", encoding="utf-8")
    code, _, err = fazhi("memo", DOC_CASE, *RULES, "--out", tmp_path / "m.html", "--templates", custom)
    assert code == 2 and f"{custom / 'memo.html.j2'}:2" in err and "nonsense" in err


def test_the_sandbox_refuses_python_internals(tmp_path):
    (tmp_path / "x.md.j2").write_text("line one\n{{ L.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        render_template("x.md.j2", {"L": {}}, str(tmp_path))
    assert f"{tmp_path / 'x.md.j2'}:2" in str(exc.value)


def test_templates_dir_must_exist(fazhi, tmp_path):
    code, _, err = fazhi("report", DOC_CASE, *RULES, "--out", tmp_path / "r.md", "--templates", tmp_path / "nowhere")
    assert code == 2 and "--templates must name a folder" in err


def test_html_and_markdown_both_escape_a_district_name(fazhi, tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    data = yaml.safe_load((DOC_CASE / "facts.yaml").read_text(encoding="utf-8"))
    data["case"]["district"]["name"] = "<b>样例区</b>"
    (case / "facts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for ext in ("html", "md"):
        assert fazhi("report", case, *RULES, "--out", tmp_path / f"r.{ext}")[0] == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;样例区&lt;/b&gt;" in html and "<b>样例区</b>" not in html
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "# &lt;b&gt;样例区&lt;/b&gt;2020年度" in markdown and "<b>" not in markdown


@pytest.mark.parametrize("command", ["report", "memo"])
def test_html_is_one_self_contained_a4_page(fazhi, tmp_path, command):
    out = tmp_path / "d.html"
    assert fazhi(command, DOC_CASE, *RULES, "--out", out)[0] == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm;" in html
    assert not re.search(r"""(src|href)\s*=|@import|url\(|https?://""", html)  # nothing fetched
    assert "仿宋_GB2312" in html and "FangSong" in html and "方正小标宋简体" in html


def test_outputs_are_never_overwritten_silently(fazhi, tmp_path):
    out = tmp_path / "r.md"
    out.write_text("keep me", encoding="utf-8")
    code, _, err = fazhi("report", DOC_CASE, *RULES, "--out", out)
    assert code == 2 and "已存在；如需覆盖请加 --force" in err and out.read_text(encoding="utf-8") == "keep me"
    assert fazhi("report", DOC_CASE, *RULES, "--out", out, "--force")[0] == 0
    assert out.read_text(encoding="utf-8").startswith("# 样例区2020年度法治政府建设差距报告")


@pytest.mark.parametrize("command, name", [("report", "r.pdf"), ("report", "r.json"), ("memo", "m.txt")])
def test_the_format_follows_the_extension(fazhi, tmp_path, command, name):
    code, _, err = fazhi(command, DOC_CASE, *RULES, "--out", tmp_path / name)
    assert code == 2 and "格式由扩展名决定" in err
    code, _, err = fazhi(command, DOC_CASE, *RULES, "--out", tmp_path / name, "--lang", "en")
    assert code == 2 and "the format follows the extension" in err


@pytest.mark.parametrize("command, heading", [("report", "存在的问题"), ("memo", "整改")])
def test_without_out_the_document_is_printed_as_markdown(fazhi, command, heading):
    code, out, err = fazhi(command, DOC_CASE, *RULES, "--date", "2021-03-01")
    assert code == 0 and out.startswith("# ") and heading in out and "已写入" not in err and "wrote" not in err


def test_bad_case_is_an_input_error(fazhi, tmp_path):
    code, _, err = fazhi("report", tmp_path / "nowhere", *RULES, "--out", tmp_path / "r.md")
    assert code == 2 and "没有此事实文件" in err and "no such" not in err
    code, _, err = fazhi("report", tmp_path / "nowhere", *RULES, "--out", tmp_path / "r.md", "--lang", "en")
    assert code == 2 and "no such facts file" in err and "没有" not in err


def test_the_commands_are_documented(fazhi):
    code, out, _ = fazhi("memo", "--help")
    assert code == 0 and "--deadlines" in out and "--owners" in out and "--memo" in out and "--templates" in out
    code, out, _ = fazhi("report", "--help")
    assert code == 0 and "--profile" in out and "--lang" in out


def test_every_shipped_template_parses():
    from fazhi.documents.render import environment
    env = environment()
    for path in sorted(Path(TEMPLATE_DIR).glob("*.j2")):
        env.get_template(path.name)
