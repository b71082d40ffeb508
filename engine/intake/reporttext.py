"""An annual report's text: read in UTF-8 or GB18030/GBK (detected), cut into sentences with offsets.

Offsets are character positions in the decoded text (0-based, end exclusive; a BOM is not counted),
so `text[start:end]` is exactly the sentence quoted as evidence.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from fazhi.errors import InputError, Location, Problem
from fazhi.intake.messages import t

# a sentence ends after 。！？；(and their ASCII forms) or at a line end; a closing quote stays with it
MAX_SENTENCE = 500  # characters; a longer run without 。；！？ is cut after a comma
MAX_REPORT_BYTES = 2 * 1024 * 1024  # an annual report is 10–50 KB; this leaves forty times that
_SENTENCE = re.compile(r"[^\n。！？!?；;]*(?:[。！？!?；;][”’」』）)]*|\n|$)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    line: int  # 1-based


@dataclass(frozen=True)
class ReportText:
    file: str
    text: str
    encoding: str  # "UTF-8" or "GB18030"
    sentences: tuple[Sentence, ...]

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def decode_report(raw: bytes, file: str, lang: str = "zh") -> tuple[str, str]:
    """The text and the encoding it was read in; UTF-8 (BOM allowed), UTF-16 with a BOM, else GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError([Problem(Location(file, line), t(lang, "文件含有NUL字节", "the file contains a NUL byte"),
                                  suggestion=t(lang, "这是Word或PDF文件吗？请把报告另存为纯文本（.txt）",
                                               "is this a Word or PDF file? save the report as plain text (.txt)"))])
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise InputError([Problem(Location(file, line),
                                  t(lang, f"既不是UTF-8也不是GB18030/GBK文本（第{utf8_error.start}字节）",
                                    f"neither UTF-8 nor GB18030/GBK text (byte {utf8_error.start})"),
                                  suggestion=t(lang, "请把报告另存为UTF-8纯文本", "save the report as plain text in UTF-8"))]) from None
    return text, "GB18030"


def read_report(path: str, lang: str = "zh") -> ReportText:
    file = str(path)
    try:
        if os.path.isdir(file):
            raise InputError([Problem(Location(file), t(lang, "是文件夹，应为报告的文本文件", "is a directory, expected the report's text file"))])
        from fazhi.load.reading import read_bytes
        raw = read_bytes(file, MAX_REPORT_BYTES, "report text file")  # regular files only, never past the limit
    except FileNotFoundError:
        raise InputError([Problem(Location(file), t(lang, "文件不存在", "no such file"))]) from None
    except OSError as exc:
        raise InputError([Problem(Location(file), t(lang, "无法读取：", "cannot read: ") + str(exc.strerror))]) from None
    text, encoding = decode_report(raw, file, lang)
    controls = [i for i, c in enumerate(text) if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f"]
    if controls:
        raise InputError([Problem(Location(file, text.count("\n", 0, controls[0]) + 1),
                                  t(lang, "文件含有控制字符，不是纯文本", "the file contains control characters: it is not plain text"),
                                  suggestion=t(lang, "请把报告另存为纯文本（.txt）", "save the report as plain text (.txt)"))])
    if not text.strip():
        raise InputError([Problem(Location(file), t(lang, "文件是空的", "the file is empty"))])
    return ReportText(file, text, encoding, tuple(split_sentences(text)))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences and lines without end punctuation (headings, signatures), stripped, with offsets."""
    sentences: list[Sentence] = []
    line, pos = 1, 0
    for m in _SENTENCE.finditer(text):
        if m.end() == m.start():
            if m.start() >= len(text):
                break
            continue
        raw = m.group()
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            start = m.start() + lead
            line += text.count("\n", pos, start)
            pos = start
            sentences += [Sentence(a, b, text[a:b], line) for a, b in _pieces(text, start, start + len(body))]
    return sentences


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence longer than MAX_SENTENCE, cut after its last comma that fits (else hard), so that
    patterns stay linear on text that never stops."""
    pieces = []
    while end - start > MAX_SENTENCE:
        window = text[start:start + MAX_SENTENCE]
        cut = max(window.rfind(c) for c in "，,、") + 1 or MAX_SENTENCE
        pieces.append((start, start + cut))
        start += cut
    return pieces + [(start, end)]


# How much of a report the text holds. A whole annual report runs to several thousand characters and
# ends with a full stop or with its signature and date; a text that stops mid-sentence, or that is a
# page's opening only, may lack parts that the report has, so what is not found there is unknown.
MIN_WHOLE_REPORT = 2000  # characters; the shortest whole county report seen (Macun 2020) has about 3,950
_HEADING = re.compile(r"^[ \t　]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", re.MULTILINE)
_CLEAN_END = re.compile(r"(?:[。！？!?；;”’」』）)]|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
                        r"|\d{4}-\d{1,2}-\d{1,2}|人民政府|[区县旗市]委)$")
_CUT_MARK = re.compile(r"(?:…|\.\.\.|（略）|\(略\))$")


@dataclass(frozen=True)
class Coverage:
    """What the extractor saw: characters, headings, and whether the text seems cut off (and why)."""

    characters: int
    headings: int
    ends_cleanly: bool
    truncated: bool
    reason: str = ""  # "short" | "cut" | "" when whole


def coverage(report: ReportText) -> Coverage:
    text = report.text.rstrip()
    characters = len("".join(text.split()))
    last = text.rsplit("\n", 1)[-1].strip()
    ends_cleanly = bool(_CLEAN_END.search(last)) and not _CUT_MARK.search(last)
    reason = "cut" if not ends_cleanly else "short" if characters < MIN_WHOLE_REPORT else ""
    return Coverage(characters, len(_HEADING.findall(report.text)), ends_cleanly, bool(reason), reason)
