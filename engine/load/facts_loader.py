"""Load a district's submitted facts (cases/<district>-<year>/facts.yaml) against the vocabulary.

A missing fact is not an error: it makes the requirements that read it `insufficient_facts`.
An unknown fact, a value of the wrong type or out of range, or a part above its total is.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
import weakref
from dataclasses import replace
from decimal import Decimal
from typing import Any, Callable, Mapping

from fazhi.errors import InputError, Location, Problem, did_you_mean
from fazhi.model.case import Case, District, Evidence, FactValue, Record
from fazhi.model.catalogue import FactSpec, FieldSpec
from fazhi.vocabulary import FactType
from fazhi.load.schema import Reader, full_width_colon, to_decimal, to_decimal_text
from fazhi.load.yamlio import Document, Path, load_file
from fazhi.load.departments import check_district_scope, parse_departments, roll_up

MAX_RECORDS = 10_000
MAX_TEXT = 10_000
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_DIGITS = 15  # significant digits: the engine compares 64-bit floats, exact up to 15 digits
MAX_PLACES = 4  # decimal places: the engine reads nothing smaller than 0.0001 exactly
MIN_PERIOD, MAX_PERIOD = 1990, 2100
EVIDENCE_KEYS = ("document", "doc_number", "url", "page", "quote", "note")
_EVIDENCE_KEYS = frozenset(EVIDENCE_KEYS)
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def facts_file(path: str | os.PathLike[str]) -> str:
    """A case is a folder holding facts.yaml, or the facts file itself."""
    path = str(path)
    return os.path.join(path, "facts.yaml") if os.path.isdir(path) else path


def load_case(path: str | os.PathLike[str], vocabulary: Mapping[str, FactSpec]) -> Case:
    file = facts_file(path)
    if not os.path.exists(file):
        raise InputError([Problem(Location(file), "no such facts file",
                                  suggestion="a case is a folder with facts.yaml, e.g. cases/macun-2020",
                                  zh="没有此事实文件", suggestion_zh="案例是含 facts.yaml 的文件夹，如 cases/macun-2020")])
    return parse_case(load_file(file), vocabulary)


def parse_case(doc: Document, vocabulary: Mapping[str, FactSpec], base: Path = ()) -> Case:
    r = Reader(doc)
    top = r.mapping(base, required=("case", "facts"), optional=("departments",))
    if top is None:
        raise InputError(r.problems)
    meta = r.mapping(base + ("case",), optional=("district", "period", "submitted")) if "case" in top else None
    district, period, submitted_on, submitted_by = District("?"), 0, None, None
    if meta is not None:  # a key missing is reported once, at its own path (a questionnaire's cell); what is there is read
        for key in ("district", "period"):
            if key not in meta:
                r.problem(base + ("case", key), f"missing required key '{key}'", zh=f"缺少必填项“{key}”")
        dmap = r.mapping(base + ("case", "district"), required=("name",), optional=("level", "parent")) \
            if "district" in meta else None
        if dmap is not None:
            district = District((r.string(base + ("case", "district", "name")) if "name" in dmap else None) or "?",
                                r.string(base + ("case", "district", "level"), optional=True),
                                r.string(base + ("case", "district", "parent"), optional=True))
        period = r.integer(base + ("case", "period"), optional=False) if "period" in meta else None  # `period:` left empty: "missing"
        if period is not None and not MIN_PERIOD <= period <= MAX_PERIOD:
            r.problem(base + ("case", "period"), f"period {period} is not a plausible year",
                      zh=f"年度{period}不是合理的年份（应在{MIN_PERIOD}至{MAX_PERIOD}之间）")
        period = period or 0
        if "submitted" in meta and r.mapping(base + ("case", "submitted"), optional=("date", "by")) is not None:
            submitted_on = r.date(base + ("case", "submitted", "date"))
            submitted_by = r.string(base + ("case", "submitted", "by"), optional=True)
    facts = parse_fact_values(r, base + ("facts",), vocabulary) if "facts" in top else {}
    departments = parse_departments(r, base + ("departments",), vocabulary, facts) if "departments" in top else ()
    check_district_scope(r, base + ("facts",), facts, vocabulary, {d.id for d in departments})
    if r.problems:
        raise InputError(labelled(r.problems, vocabulary, base))
    case = Case(district, period, facts, submitted_on, submitted_by, doc.file,
                doc.where(base + ("case", "period")) if meta is not None else None)
    if departments:
        case = roll_up(case, departments, vocabulary, lambda message: r.problem(base + ("departments",), message))
        if r.problems:
            raise InputError(labelled(r.problems, vocabulary, base))
    return case


def labelled(problems: list[Problem], vocabulary: Mapping[str, FactSpec], base: Path = ()) -> list[Problem]:
    """The problems, each under a fact also naming that fact in Chinese (its label), beside its key."""
    prefix = ".".join(str(p) for p in base + ("facts",)) + "."
    out = []
    for p in problems:
        field = p.field or ""
        key = field[len(prefix):] if field.startswith(prefix) else None
        spec = None
        while key:  # facts.a.b.c[0].name: the longest key that is a fact
            spec = vocabulary.get(key)
            if spec is not None:
                break
            key = key.rsplit("[", 1)[0] if key.endswith("]") else key.rpartition(".")[0]
        zh = p.zh
        if spec is not None and zh:
            zh = zh.replace(f"“{spec.key}”", f"“{spec.label.zh}”") if zh.count(spec.key) else zh
        for total in (vocabulary[k] for k in vocabulary if p.zh and f"“{k}”" in p.zh and k != (spec.key if spec else None)):
            zh = (zh or "").replace(f"“{total.key}”", f"“{total.label.zh}”")
        out.append(replace(p, field_zh=spec.label.zh if spec is not None else None, zh=zh) if spec is not None or zh != p.zh
                   else p)
    return out


def parse_fact_values(r: Reader, path: Path, vocabulary: Mapping[str, FactSpec]) -> dict[str, FactValue]:
    raw = r.get(path)
    if raw is None or raw == {}:
        return {}
    if not isinstance(raw, dict):
        cause = full_width_colon(raw) or ("", "")
        r.problem(path, "expected a mapping of fact key -> value" + cause[0], zh="应为“事实名称: 值”的映射，每个事实一行" + cause[1])
        return {}
    values: dict[str, FactValue] = {}
    evidences: dict[tuple[tuple[str, str], ...], Evidence] = {}  # one Evidence per distinct mapping of this case
    for key, item in raw.items():
        spec = vocabulary.get(key)
        if spec is None:
            hint = did_you_mean(key, vocabulary)
            r.problem(path + (key,), f"unknown fact '{key}'", hint or "see `fazhi rules doc` for the facts",
                      f"未知的事实“{key}”", None if hint else "事实名称见 `fazhi rules doc`")
            continue
        value = _parse_fact(r, path + (key,), item, spec, evidences)
        if value is not None:
            values[key] = value
    _check_not_above(r, path, values, vocabulary)
    return dict(sorted(values.items()))


# The valid path is the one to make fast: a value of the usual type and in range is converted by a
# quick check built once per spec, and only anything else goes through parse_value, which converts
# what people write ('是', '98%') or reports the problem. Paths are built only to report, or to locate
# a fact; the Reader (which walks the document from its root for every `get`) only reports.

_SLOW = object()  # a quick check's answer for a value it leaves to parse_value
_NOT_FIELDS = ("id", "evidence", "department")  # keys of a record that are not fields


def _bounds(ftype: FactType, minimum: Decimal | None, maximum: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """The range a number must be in: the declared one, else 0.. for counts and 0..100 for percentages."""
    low = minimum if minimum is not None else (Decimal(0) if ftype in (FactType.INT, FactType.PERCENT) else None)
    high = maximum if maximum is not None else (Decimal(100) if ftype is FactType.PERCENT else None)
    return low, high


def _quick(ftype: FactType, choices: tuple[str, ...], minimum: Decimal | None,
           maximum: Decimal | None) -> Callable[[Any], Any]:
    """A converter giving what parse_value gives for the common, valid forms of a value; _SLOW for any other."""
    if ftype is FactType.BOOL:
        return lambda raw: raw if raw is True or raw is False else _SLOW
    if ftype is FactType.DATE:
        return lambda raw: raw if type(raw) is dt.date else _SLOW  # a datetime is a date too: not this one
    if ftype is FactType.TEXT:
        return lambda raw: raw if type(raw) is str and len(raw) <= MAX_TEXT else _SLOW
    if ftype is FactType.ENUM:
        allowed = frozenset(c for c in choices if len(c) <= MAX_TEXT)
        return lambda raw: raw if type(raw) is str and raw in allowed else _SLOW
    if ftype in (FactType.INT, FactType.NUMBER, FactType.PERCENT):
        # A whole number within the limit has too few digits to fail the precision check, and for a whole
        # number, low <= n <= high is ceil(low) <= n <= floor(high): plain int comparisons. (bool is no int here.)
        limit = min(int(MAX_MAGNITUDE), 10 ** MAX_DIGITS - 1)
        low, high = _bounds(ftype, minimum, maximum)
        try:
            lo = -limit if low is None else max(-limit, math.ceil(low))
            hi = limit if high is None else min(limit, math.floor(high))
        except (ArithmeticError, ValueError):  # a bound that is not a finite number (a spec built in code)
            return lambda raw: _SLOW
        if ftype is FactType.INT:
            return lambda raw: raw if type(raw) is int and lo <= raw <= hi else _SLOW
        return lambda raw: Decimal(raw) if type(raw) is int and lo <= raw <= hi else _SLOW
    return lambda raw: _SLOW


class _Plan:
    """What parsing a fact of one spec needs, worked out once per spec (see _plan)."""

    __slots__ = ("body_key", "keys", "records", "convert", "fields", "names")

    def __init__(self, spec: FactSpec):
        self.records = spec.type is FactType.RECORDS
        self.body_key = "records" if self.records else "value"
        self.keys = frozenset((self.body_key, "evidence"))  # of the {value|records, evidence} form
        self.convert = _quick(spec.type, spec.choices, spec.minimum, spec.maximum)
        self.fields: dict[str, tuple[FieldSpec, Callable[[Any], Any]]] = {}  # name -> (spec, converter)
        for f in spec.fields:
            if f.name not in _NOT_FIELDS:
                self.fields.setdefault(f.name, (f, _quick(f.type, f.choices, f.minimum, f.maximum)))  # first wins
        self.names = [f.name for f in spec.fields]


# id(spec) -> (weak reference to the spec, plan): keyed by id, as hashing a FactSpec hashes all it
# holds. The entry goes when its spec is collected, so a program that loads many catalogues (the
# Python API, called again and again) keeps no plans of catalogues it dropped. Specs are immutable;
# the limits (MAX_TEXT for choices, MAX_MAGNITUDE, MAX_DIGITS) are read when a plan is made.
_PLANS: dict[int, tuple[weakref.ref[FactSpec], _Plan]] = {}
_PLANS_LIMIT = 10_000


def _plan(spec: FactSpec) -> _Plan:
    hit = _PLANS.get(id(spec))
    if hit is not None and hit[0]() is spec:
        return hit[1]
    if len(_PLANS) >= _PLANS_LIMIT:
        _PLANS.clear()
    plan = _Plan(spec)
    key = id(spec)
    _PLANS[key] = (weakref.ref(spec, lambda ref, key=key: _forget(key, ref)), plan)
    return plan


def _forget(key: int, ref: weakref.ref[FactSpec]) -> None:
    entry = _PLANS.get(key)
    if entry is not None and entry[0] is ref:  # not a newer spec that took the same id
        del _PLANS[key]


def _where(doc: Document, path: Path) -> Location:
    """doc.where(path), for a path that is nearly always marked itself."""
    mark = doc.marks.get(path)
    return Location(doc.file, mark[0], mark[1]) if mark is not None else doc.where(path)


def _parse_fact(r: Reader, path: Path, raw: Any, spec: FactSpec,
                evidences: dict[tuple[tuple[str, str], ...], Evidence]) -> FactValue | None:
    """The fact at `path`, whose value is `raw`: a value or list of records, or {value|records, evidence}."""
    plan = _plan(spec)
    evidence = None
    if isinstance(raw, dict):
        if plan.body_key not in raw or not raw.keys() <= plan.keys:
            r.mapping(path, required=(plan.body_key,), optional=("evidence",))  # reports the keys missing or unknown
        if "evidence" in raw:
            evidence = _evidence(r, path + ("evidence",), raw["evidence"], evidences)
        path = path + (plan.body_key,)
        raw = raw.get(plan.body_key)
    if raw is None:
        return None  # stated as unknown: same as absent
    if plan.records:
        value = _records(r, path, raw, spec, plan, evidences)
        if value is None:
            return None
    else:
        value = plan.convert(raw)
        if value is _SLOW:
            value = parse_value(r, path, raw, spec.type, spec.choices, spec.minimum, spec.maximum)
            if value is None:
                return None
    return FactValue(spec.key, value, evidence, _where(r.doc, path))


def _records(r: Reader, path: Path, items: Any, spec: FactSpec, plan: _Plan,
             evidences: dict[tuple[tuple[str, str], ...], Evidence]) -> tuple[Record, ...] | None:
    if not isinstance(items, list):
        r.problem(path, f"'{spec.key}' is a list of records; got {type(items).__name__}",
                  zh=f"应为记录列表（每条以“- id: …”开头），填写的是{type(items).__name__}")
        return None
    if len(items) > MAX_RECORDS:
        r.problem(path, f"{len(items):,} records; the limit is {MAX_RECORDS:,}", "see docs/limits.md")
        return None
    records, seen = [], {}
    fields_of = plan.fields
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            r.problem(path + (i,), "each record is a mapping of field -> value", zh="每条记录应为“字段: 值”的映射")
            continue
        rid = item.get("id")
        if type(rid) is not str or not rid.strip():  # the usual id is text: the rest only for any other
            if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not str(rid).strip():
                r.problem(path + (i,), "each record needs an 'id'", zh="每条记录都要有编号（id）")
                continue
            rid = str(rid)
        if len(rid) > MAX_TEXT:
            r.problem(path + (i, "id"), f"an id of {len(rid):,} characters; the limit is {MAX_TEXT:,}")
            continue
        if rid in seen:
            r.problem(path + (i, "id"), f"duplicate record id '{rid}' (also item {seen[rid] + 1})",
                      zh=f"记录编号“{rid}”重复（另见第{seen[rid] + 1}条）")
            continue
        seen[rid] = i
        fields: dict[str, Any] = {}
        for name, value in item.items():
            field = fields_of.get(name)
            if field is None:
                if name not in _NOT_FIELDS:
                    hint = did_you_mean(name, plan.names)
                    r.problem(path + (i, name), f"unknown field '{name}' for {spec.key}",
                              hint or f"fields: {', '.join(plan.names)}", f"“{spec.key}”没有字段“{name}”",
                              None if hint else f"字段：{'、'.join(plan.names)}")
                continue
            if value is None:
                continue
            parsed = field[1](value)
            if parsed is _SLOW:
                fspec = field[0]
                parsed = parse_value(r, path + (i, name), value, fspec.type, fspec.choices, fspec.minimum, fspec.maximum)
                if parsed is None:
                    continue
            fields[name] = parsed
        evidence = _evidence(r, path + (i, "evidence"), item["evidence"], evidences) if "evidence" in item else None
        department = item.get("department")
        if department is not None and (type(department) is not str or not department.strip()):
            r.problem(path + (i, "department"), f"部门编号应为文字 / a department id is text, got {department!r}")
            department = None
        records.append(Record(rid, dict(sorted(fields.items())), evidence, department=department))
    return tuple(records)


def parse_value(r: Reader, path: Path, raw: Any, ftype: FactType, choices: tuple[str, ...] = (),
                minimum: Decimal | None = None, maximum: Decimal | None = None) -> Any:
    """One typed value, accepting the forms people write (是/否, 98%, ９８, 2021年2月25日)."""
    if ftype is FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("是", "有", "yes", "true"):
            return True
        if text in ("否", "无", "没有", "no", "false"):
            return False
        r.problem(path, f"expected yes/no (true/false, 是/否), got {raw!r}", zh=f"应填“是”或“否”，填写的是{raw!r}")
        return None
    if ftype is FactType.DATE:
        return _date(r, path, raw)
    if ftype in (FactType.TEXT, FactType.ENUM):
        if isinstance(raw, (dict, list)) or isinstance(raw, bool):
            r.problem(path, f"expected text, got {raw!r}", zh=f"应填文字，填写的是{raw!r}")
            return None
        text = str(raw)
        if len(text) > MAX_TEXT:
            r.problem(path, f"text of {len(text):,} characters; the limit is {MAX_TEXT:,}",
                      zh=f"文字有{len(text):,}个字符，上限为{MAX_TEXT:,}")
            return None
        if ftype is FactType.ENUM and text not in choices:
            r.problem(path, f"'{text}' is not one of {', '.join(choices)}", did_you_mean(text, choices),
                      f"“{text}”不是可选项（{'、'.join(choices)}）之一")
            return None
        return text
    number = _number(raw, ftype)
    if number is None:
        what = {FactType.INT: "a whole number", FactType.PERCENT: "a percentage such as 96.2 or '96.2%'"}.get(ftype, "a number")
        what_zh = {FactType.INT: "整数", FactType.PERCENT: "百分比（如96.2或96.2%）"}.get(ftype, "数字")
        r.problem(path, f"expected {what}, got {raw!r}",
                  "give the figure alone; put approximations ('约10人', '10余次') in the evidence note",
                  f"应填{what_zh}，填写的是{raw!r}", "只填数字；“约10人”“10余次”等约数请在证据说明中注明")
        return None
    if number.copy_abs() > MAX_MAGNITUDE:  # copy_abs: abs() rounds to the context and overflows on 1e999999999
        r.problem(path, f"{number} is larger than the limit {MAX_MAGNITUDE:,}", zh=f"{number}超过上限{MAX_MAGNITUDE:,}")
        return None
    digits, places = _precision(number)
    if digits > MAX_DIGITS or places > MAX_PLACES:
        r.problem(path, f"{number} has {digits} significant digits and {places} decimal places; the limit is "
                  f"{MAX_DIGITS} digits and {MAX_PLACES} places", "round the figure; the evidence keeps the exact text",
                  f"{number}有{digits}位有效数字、{places}位小数，上限为{MAX_DIGITS}位有效数字、{MAX_PLACES}位小数",
                  "请四舍五入；精确数字可写在证据中")
        return None
    if ftype is FactType.INT and number != number.to_integral_value():
        r.problem(path, f"expected a whole number, got {raw!r}", zh=f"应填整数，填写的是{raw!r}")
        return None
    low, high = _bounds(ftype, minimum, maximum)
    if low is not None and number < low:
        r.problem(path, f"{number} is below the minimum {low}", zh=f"{number}小于最小值{low}")
        return None
    if high is not None and number > high:
        r.problem(path, f"{number} is above the maximum {high}", zh=f"{number}大于最大值{high}")
        return None
    return int(number) if ftype is FactType.INT else number


def _precision(number: Decimal) -> tuple[int, int]:
    """(significant digits, decimal places) of a finite number, ignoring trailing zeros: 96.20 is (3, 1)."""
    _, digits, exponent = number.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    trailing = len(text) - len(text.rstrip("0"))
    return len(text) - trailing, max(0, -(int(exponent) + trailing))


def _number(raw: Any, ftype: FactType) -> Decimal | None:
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        if ftype is FactType.PERCENT and text.endswith("%"):
            text = text[:-1]
        return to_decimal_text(text)
    return to_decimal(raw)


def _date(r: Reader, path: Path, raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip()
        match = _CN_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                r.problem(path, f"'{raw}' is not a real date", zh=f"“{raw}”不是有效日期")
                return None
    r.problem(path, f"expected a date (YYYY-MM-DD), got {raw!r}", zh=f"应填日期（如2021-02-25或2021年2月25日），填写的是{raw!r}")
    return None


def _evidence(r: Reader, path: Path, raw: Any, evidences: dict[tuple[tuple[str, str], ...], Evidence]) -> Evidence | None:
    """The evidence at `path`, whose value is `raw`: a quote, or a mapping of EVIDENCE_KEYS to texts."""
    if isinstance(raw, str):
        return Evidence(quote=raw)
    if type(raw) is dict and raw.keys() <= _EVIDENCE_KEYS:
        for text in raw.values():  # a loop: all() over a generator costs more than the rest of this
            if type(text) is not str or not text.strip():
                break
        else:  # the usual form; equal mappings share one Evidence (frozen), as many facts cite the same page
            key = tuple(raw.items())
            evidence = evidences.get(key)
            if evidence is None:
                evidence = evidences[key] = Evidence(**raw)
            return evidence
    if r.mapping(path, optional=EVIDENCE_KEYS) is None:
        return None
    return Evidence(**{k: r.string(path + (k,), optional=True) for k in EVIDENCE_KEYS})


def _check_not_above(r: Reader, path: Path, values: Mapping[str, FactValue], vocabulary: Mapping[str, FactSpec]) -> None:
    for key, fact in values.items():
        total_key = vocabulary[key].not_above
        if total_key and total_key in values:
            part, total = fact.value, values[total_key].value
            if part > total:
                r.problem(path + (key,), f"{part} is larger than {total_key} ({total})",
                          "a part cannot exceed its total; check both figures", f"{part}大于“{total_key}”（{total}）",
                          "部分不能大于总数，请核对两个数字")

