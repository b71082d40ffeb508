"""The manifest line at the foot of every document: Fazhi's version, the date, and a hash of every input.

A reader of a printed report can tell which rulesets and which facts produced it, and `fazhi verify`
on the matching findings JSON re-creates it.
"""
from __future__ import annotations

import html
import io
import zipfile
from typing import Any

from fazhi.render.safe_text import markdown_text


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
        return content.rstrip("\n") + f"\n\n---\n\n{markdown_text(line)}\n"  # file names are the user's
    if fmt == "html":
        assert isinstance(content, str)
        tag = f'<footer class="manifest" style="margin-top:2em;font-size:9pt;color:#555">{html.escape(line)}</footer>\n'
        index = content.rfind("</body>")
        return content[:index] + tag + content[index:] if index >= 0 else content + tag
    assert isinstance(content, bytes)
    return _docx_with_line(content, line)


def _docx_with_line(content: bytes, line: str) -> bytes:
    """The manifest line as the document's last paragraph (9 pt, no indent), put into word/document.xml as
    text: re-reading the whole document with python-docx took seconds for a report of 39,000 records."""
    from fazhi.documents.docx_style import paragraph_xml
    paragraph = paragraph_xml([(line, False)]).replace(
        "<w:p>", '<w:p><w:pPr><w:ind w:firstLine="0"/></w:pPr>', 1).replace("<w:r>", '<w:r><w:rPr><w:sz w:val="18"/></w:rPr>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                end = data.rfind(b"<w:sectPr")  # the body's section properties close it
                data = data[:end] + paragraph.encode("utf-8") + data[end:]
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()
