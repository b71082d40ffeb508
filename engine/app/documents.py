"""`report` and `memo`: the gap report (差距报告) and the remediation memo (整改方案) as bytes or text.

    doc = report("cases/macun-2020", "docx")                  # Document(content=b"PK...", fmt="docx", ...)
    doc = memo("cases/macun-2020", "json", memo="last/memo.json", deadlines="critical=30")

The caller writes `doc.content` where it likes (the CLI with write_atomic, the web app as a download).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Sequence

from fazhi.app.check import CheckResult, case_path, check
from fazhi.app.manifest import file_hash, portable
from fazhi.app.rules import RuleSource
from fazhi.errors import InputError, Location, Problem

EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".json": "json"}
REPORT_FORMATS = ("md", "html", "docx")
MEMO_FORMATS = ("md", "html", "docx", "json")


@dataclass(frozen=True)
class Document:
    content: str | bytes  # str for md, html and json; bytes for docx
    fmt: str
    check: CheckResult  # the evaluation the document was built from
    notes: tuple[str, ...] = ()  # things the user should know (e.g. --templates does not shape DOCX)


def format_for(path: str, allowed: Sequence[str]) -> str:
    """The document format a file name asks for, by its extension."""
    fmt = EXTENSIONS.get(os.path.splitext(path)[1].lower())
    if fmt not in allowed:
        names = ", ".join(ext for ext in (".md", ".html", ".docx", ".json") if EXTENSIONS[ext] in allowed)
        raise InputError([Problem(Location(path), "the format follows the extension", field="--out",
                                  suggestion=f"one of {names}", zh="格式由扩展名决定", suggestion_zh=f"可用：{names}")])
    return fmt


def report(case: str, fmt: str = "md", rules: RuleSource | Sequence[str] | None = None, profile: str | None = None,
           lang: str = "zh", on: dt.date | None = None, memo: str | None = None, templates: str | None = None,
           issuer: str | None = None, addressee: str | None = None) -> Document:
    """The gap report: summary, 存在的问题, 数据质量问题, 需补充的材料; 附件1-3 the evidence, requests and verdicts.

    issuer: 署名 (default: the case's submitted.by); addressee: 主送 (default: the level above, from the
    case's parent; "" for none).

    fmt: md, html or docx; memo: the previous memo.json (its items marked closed, open or reopened);
    templates: a folder of Jinja templates overriding the built-in ones (md and html)."""
    from fazhi.documents.build import build_report
    _check_format(fmt, REPORT_FORMATS)
    _read_previous(memo)
    result = check(case, rules, profile, lang, on, memo)
    view = build_report(result.evaluation, lang, on or dt.date.today(), result.progress, result.score,
                        issuer=issuer, addressee=addressee)
    return _document("report", fmt, view, templates, result)


def memo(case: str, fmt: str = "md", rules: RuleSource | Sequence[str] | None = None, profile: str | None = None,
         lang: str = "zh", on: dt.date | None = None, memo: str | None = None, templates: str | None = None,
         deadlines: str | None = None, owners: str | None = None, issuer: str | None = None) -> Document:
    """The remediation memo: one item per gap with measure, unit, deadline and acceptance.

    fmt: md, html, docx or json (json is what `check --memo` and the next round read);
    deadlines: "critical=30,major=90" overrides the rulesets' deadlines by severity;
    owners: owners.yaml (default: the one beside the case's facts, if any)."""
    from fazhi.documents.memo import build_memo, parse_deadlines
    from fazhi.documents.owners import case_owners_file, load_owners, require_file
    _check_format(fmt, MEMO_FORMATS)
    table = parse_deadlines(deadlines)
    if owners is not None:
        require_file(owners)
    owners_file = owners or case_owners_file(case_path(case))
    table_owners = load_owners(owners_file)
    _read_previous(memo)
    result = check(case, rules, profile, lang, on, memo)
    if os.path.exists(owners_file):
        result.manifest["inputs"].append({"role": "owners", "file": portable(owners_file), "sha256": file_hash(owners_file)})
    view = build_memo(result.evaluation, lang, on or dt.date.today(), table_owners, table, result.progress,
                      result.score.profile if result.score else None, templates, issuer)
    if fmt == "json":
        from fazhi.documents.memo_json import dumps_memo
        from fazhi.render.output import dumps
        return Document(dumps({**json.loads(dumps_memo(view, result.evaluation)), "manifest": result.manifest}), fmt, result)
    return _document("memo", fmt, view, templates, result)


def _check_format(fmt: str, allowed: Sequence[str]) -> None:
    if fmt not in allowed:
        raise InputError([Problem(Location("--out"), f"no {fmt} format", suggestion="one of " + ", ".join(allowed),
                                  zh=f"没有 {fmt} 格式", suggestion_zh="可用：" + "、".join(allowed))])


def _read_previous(memo: str | None) -> None:
    """A previous memo that does not exist or does not read stops the run before the evaluation."""
    if memo is None:
        return
    from fazhi.documents.memo_json import read_memo
    if not os.path.isfile(memo):
        raise InputError([Problem(Location(memo), "no such memo file", suggestion="give the memo.json that `fazhi memo` wrote",
                                      zh="没有此整改方案文件", suggestion_zh="请给出 `fazhi memo` 生成的 memo.json")])
    read_memo(memo)


def _document(kind: str, fmt: str, view: object, templates: str | None, result: CheckResult) -> Document:
    from fazhi.documents.footer import with_footer
    notes: tuple[str, ...] = ()
    if fmt == "docx":
        from fazhi.documents.docx import memo_docx, report_docx
        if templates:
            notes = ("--templates applies to Markdown and HTML; the DOCX layout is built in" if view.lang == "en"  # type: ignore[attr-defined]
                     else "--templates 只用于 Markdown 和 HTML；DOCX 版式是内置的",)
        content: str | bytes = report_docx(view) if kind == "report" else memo_docx(view)  # type: ignore[arg-type]
    else:
        from fazhi.documents.render import render
        content = render(kind, fmt, view, templates)
    return Document(with_footer(content, fmt, result.manifest, view.lang), fmt, result, notes)  # type: ignore[attr-defined]
