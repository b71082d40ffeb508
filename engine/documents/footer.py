"""The manifest line at the foot of every document: Fazhi's version, the date, and a hash of every input.

A reader of a printed report can tell which rulesets and which facts produced it, and `fazhi verify`
on the matching findings JSON re-creates it.
"""
from __future__ import annotations

import html
import io
from typing import Any


ROLES = {"zh": {"facts": "事实", "sources": "依据来源", "profile": "评分方案", "owners": "责任单位", "memo": "上期整改方案",
                "verifications": "核验记录", "waivers": "豁免"},
         "en": {}}


def manifest_line(manifest: dict[str, Any], lang: str) -> str:
    """The colophon (生成信息): version, date, a short digest of every ruleset and input. In Chinese it names
    no file and no ruleset ID (identifiers in prose); the findings JSON's manifest keeps them for `verify`."""
    if lang == "en":
        rulesets = ", ".join(f"{r['id']} {r['version']} ({r['sha256'][7:19]})" for r in manifest["rulesets"])
        inputs = ", ".join(f"{i['role']} {i['file']} ({i['sha256'][7:19]})" for i in manifest["inputs"])
        return (f"Fazhi {manifest['fazhi_version']}, evaluated {manifest['evaluated_on']}. "
                f"Rulesets: {rulesets}. Inputs: {inputs}.")
    rulesets = "、".join(f"{r['version']}版 {r['sha256'][7:19]}" for r in manifest["rulesets"])
    inputs = "、".join(f"{ROLES['zh'].get(i['role'], '输入')} {i['sha256'][7:19]}" for i in manifest["inputs"])
    return f"生成信息：版本{manifest['fazhi_version']}；评估日期{manifest['evaluated_on']}；规则集摘要：{rulesets}；输入摘要：{inputs}。"


def with_footer(content: str | bytes, fmt: str, manifest: dict[str, Any], lang: str) -> str | bytes:
    line = manifest_line(manifest, lang)
    if fmt == "md":
        assert isinstance(content, str)
        return content.rstrip("\n") + f"\n\n---\n\n{line}\n"
    if fmt == "html":
        assert isinstance(content, str)
        tag = f'<footer class="manifest" style="margin-top:2em;font-size:9pt;color:#555">{html.escape(line)}</footer>\n'
        index = content.rfind("</body>")
        return content[:index] + tag + content[index:] if index >= 0 else content + tag
    assert isinstance(content, bytes)
    return _docx_with_line(content, line)


def _docx_with_line(content: bytes, line: str) -> bytes:
    from docx import Document
    from docx.shared import Pt

    from fazhi.documents.docx_style import _fixed_zip
    document = Document(io.BytesIO(content))
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(0)
    run = paragraph.add_run(line)
    run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip(out.getvalue())
