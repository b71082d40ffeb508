"""Errors a user can act on: every problem names its file, line, column, field and a fix."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One problem of an input file, in both languages: `message` and `suggestion` are the English,
    `zh` and `suggestion_zh` the Chinese; `render(lang)` gives the run's language (str() is English).
    A problem made without its Chinese is translated by the table of common wordings (zh_message)."""

    location: Location
    message: str
    field: str | None = None
    suggestion: str | None = None
    zh: str | None = None
    suggestion_zh: str | None = None
    field_zh: str | None = None  # what the field is called in Chinese (a fact's label), shown beside its key

    def __post_init__(self) -> None:
        # A message may quote the input; whatever quotes it, a problem never carries a whole file
        # (a facts.yaml linked to /etc/passwd) nor a control character that reaches a terminal.
        object.__setattr__(self, "message", bounded(self.message))
        for name in ("zh", "suggestion", "suggestion_zh", "field", "field_zh"):  # "did you mean 'x'?" quotes the input too
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, bounded(value))

    def __str__(self) -> str:
        return self.render("en")

    def text(self, lang: str) -> str:
        """The message alone, in `lang`."""
        return self.message if lang == "en" else (self.zh or zh_message(self.message))

    def hint(self, lang: str) -> str | None:
        if lang == "en" or self.suggestion is None:
            return self.suggestion
        return self.suggestion_zh or zh_suggestion(self.suggestion)

    def render(self, lang: str) -> str:
        """file:line:col: field: message (suggestion); a cause after the message stays on its own line."""
        text = f"{self.location}: "
        if self.field:
            text += f"{self.field}" + (f"（{self.field_zh}）" if lang != "en" and self.field_zh else "") + ": "
        head, _, rest = self.text(lang).partition("\n")
        text += head
        hint = self.hint(lang)
        if hint:
            text += f" ({hint})" if lang == "en" else f"（{hint}）"
        return text + ("\n" + rest if rest else "")


class FazhiError(Exception):
    """Base of every error Fazhi reports to a user (exit code 2). `zh` is its Chinese, when given."""

    exit_code = 2

    def __init__(self, message: str = "", zh: str | None = None):
        super().__init__(message)
        self.zh = zh

    def render(self, lang: str) -> str:
        english = str(self)
        if lang == "en":
            return f"error: {english}"
        return f"错误：{self.zh or zh_message(english)}"


class InputError(FazhiError):
    """One or more problems in a user's input file; all of them are reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def render(self, lang: str) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class InferenceError(FazhiError):
    """The inference engine failed; the message says which rule and why."""


MAX_MESSAGE = 600
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def excerpt(text: str, limit: int = 60) -> str:
    """A short, escaped quotation of input text: its first line, at most `limit` characters, as repr."""
    first = text.split("\n", 1)[0]
    cut = first[:limit]
    return repr(cut + ("…" if cut != text else ""))


def bounded(message: str) -> str:
    """A message with control characters escaped, cut at MAX_MESSAGE characters."""
    message = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", message)
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


_OS_ERRORS = {  # errno name -> (Chinese, English): what the user can do about it
    "ENOSPC": ("磁盘已满", "the disk is full"),
    "EDQUOT": ("磁盘配额已用完", "the disk quota is used up"),
    "EROFS": ("文件系统是只读的", "the file system is read-only"),
    "EACCES": ("没有写入权限", "permission denied"),
    "EPERM": ("操作不被允许", "operation not permitted"),
    "ENAMETOOLONG": ("文件名或路径过长", "the file name or path is too long"),
    "EIO": ("磁盘读写出错", "an input/output error of the disk"),
}


def os_error_message(exc: OSError, lang: str = "zh") -> str:
    """A failure of the operating system (full disk, read-only folder, name too long) as the user reads it;
    nothing was written, since every output is written aside and renamed into place at the end."""
    import errno
    zh, en = _OS_ERRORS.get(errno.errorcode.get(exc.errno or 0, ""), (exc.strerror or "操作系统错误",
                                                                      exc.strerror or "an operating-system error"))
    where = exc.filename if exc.filename is not None else ""
    where = bounded(where.decode("utf-8", "replace") if isinstance(where, bytes) else str(where))
    if lang == "en":
        return f"error: {en}{': ' + where if where else ''}. Nothing was written; the previous output is unchanged."
    return f"错误：{zh}{'：' + where if where else ''}。未写入任何输出，原有输出保持不变。"


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def language(lang: str | None = None) -> str:
    """The language of a run: `lang` when given, else FAZHI_LANG (zh or en), else Chinese."""
    import os
    if lang in ("zh", "en"):
        return lang
    chosen = os.environ.get("FAZHI_LANG", "").strip().lower()
    return chosen if chosen in ("zh", "en") else "zh"


# Chinese of the English wordings that are made in many places (a Reader's checks, limits, suggestions);
# a problem that gives its own `zh` does not need them. Patterns match the whole message.
_ZH_MESSAGES = [
    (r"expected yes/no \(true/false, 是/否\), got (?P<v>.+)", "应填“是”或“否”，填写的是{v}"),
    (r"expected a date \(YYYY-MM-DD\), got (?P<v>.+)", "应填日期（如2021-02-25或2021年2月25日），填写的是{v}"),
    (r"expected a date YYYY-MM-DD, got (?P<v>.+)", "应填日期（如2021-02-25或2021年2月25日），填写的是{v}"),
    (r"'(?P<v>.+)' is not a real date", "“{v}”不是有效日期"),
    (r"expected a whole number, got (?P<v>.+)", "应填整数，填写的是{v}"),
    (r"expected a percentage such as 96.2 or '96.2%', got (?P<v>.+)", "应填百分比（如96.2或96.2%），填写的是{v}"),
    (r"expected a number, got (?P<v>.+)", "应填数字，填写的是{v}"),
    (r"expected text, got (?P<v>.+)", "应填文字，填写的是{v}"),
    (r"expected non-empty text, got (?P<v>.+)", "应填非空文字，填写的是{v}"),
    (r"expected a mapping, got (?P<v>.+)", "应为“键: 值”的映射，填写的是{v}"),
    (r"expected a list, got (?P<v>.+)", "应为列表（每项以“- ”开头），填写的是{v}"),
    (r"expected true or false", "应填 true 或 false"),
    (r"text of (?P<v>[\d,]+) characters; the limit is (?P<w>[\d,]+)", "文字有{v}个字符，上限为{w}"),
    (r"'(?P<v>.*)' is not one of (?P<w>.+)", "“{v}”不是可选项（{w}）之一"),
    (r"'(?P<v>.*)' is not of the form (?P<w>.+)", "“{v}”不符合格式 {w}"),
    (r"(?P<v>\S+) is larger than the limit (?P<w>\S+)", "{v}超过上限{w}"),
    (r"(?P<v>\S+) has (?P<d>\d+) significant digits and (?P<p>\d+) decimal places; the limit is (?P<md>\d+) digits and (?P<mp>\d+) places",
     "{v}有{d}位有效数字、{p}位小数，上限为{md}位有效数字、{mp}位小数"),
    (r"an id of (?P<v>[\d,]+) characters; the limit is (?P<w>[\d,]+)", "编号有{v}个字符，上限为{w}"),
    (r"(?P<v>\S+) is below the minimum (?P<w>\S+)", "{v}小于最小值{w}"),
    (r"(?P<v>\S+) is above the maximum (?P<w>\S+)", "{v}大于最大值{w}"),
    (r"(?P<v>\S+) is larger than (?P<w>\S+) \((?P<x>.+)\)", "{v}大于{w}（{x}）"),
    (r"duplicate record id '(?P<v>.+)' \(also item (?P<w>\d+)\)", "记录编号“{v}”重复（另见第{w}条）"),
    (r"each record needs an 'id'", "每条记录都要有编号（id）"),
    (r"each record is a mapping of field -> value", "每条记录应为“字段: 值”的映射"),
    (r"(?P<v>[\d,]+) records; the limit is (?P<w>[\d,]+)", "共{v}条记录，上限为{w}"),
    (r"missing required key '(?P<v>.+)'", "缺少必填项“{v}”"),
    (r"unknown key '(?P<v>.+)'", "未知的键“{v}”"),
    (r"unknown fact '(?P<v>.+)'", "未知的事实“{v}”"),
    (r"unknown field '(?P<v>.+)' for (?P<w>.+)", "{w}没有字段“{v}”"),
    (r"undeclared fact '(?P<v>.+)'", "未声明的事实“{v}”"),
    (r"undeclared source '(?P<v>.+)'", "未声明的依据“{v}”"),
    (r"missing date", "未填写日期"),
    (r"missing", "未填写"),
    (r"must be at least (?P<v>.+)", "不能小于{v}"),
    (r"period (?P<v>\d+) is not a plausible year", "年度{v}不是合理的年份"),
    (r"no such facts file", "没有此事实文件"),
    (r"no profile '(?P<v>.+)'", "没有评分方案“{v}”"),
    (r"no domain '(?P<v>.+)'", "没有领域“{v}”"),
    (r"no ruleset files \(\*\.yaml\) found", "未找到规则集文件（*.yaml）"),
    (r"no ruleset files \(\*\.yaml\) found in the overlay", "叠加文件夹中未找到规则集文件（*.yaml）"),
    (r"(?P<v>.+): already exists; use --force to overwrite", "{v}：已存在；如需覆盖请加 --force"),
    (r"every requirement cites at least one source", "每项要求至少引用一个依据"),
    (r"a requirement resting on a paraphrased or uncertain source must be 'advisory'",
     "依据为转述或存疑的要求，等级必须为 advisory（提示）"),
    # ruleset authors (fazhi validate): conditions, variables, facts, templates
    (r"type mismatch: (?P<a>\w+) (?P<o>\w+) (?P<b>\w+)",
     lambda m: f"类型不匹配：{_kind_zh(m['a'])}不能用 {m['o']} 与{_kind_zh(m['b'])}比较"),
    (r"template error: (?P<v>.+) \(line (?P<n>\d+) of the text\)", "消息模板第{n}行有误（Jinja：`{v}`）"),
    (r"unknown operator '(?P<v>.+)'", "未知的运算符“{v}”"),
    (r"unknown variable '(?P<v>.+)' \(declare it above\)", "未知的变量“{v}”（请先在上方声明）"),
    (r"unknown variable '(?P<v>.+)'", "未知的变量“{v}”"),
    (r"a condition is a mapping with exactly one operator", "条件应为只含一个运算符的映射"),
    (r"a requirement needs 'vars': the facts and measures it reads", "要求需要 vars：它读取的事实和计算量"),
    (r"variable name '(?P<v>.+)' must be lower_snake_case and not one of (?P<w>.+)", "变量名“{v}”应为小写下划线形式，且不能是 {w}"),
    (r"variable '(?P<v>.+)' needs exactly one of: (?P<w>.+)", "变量“{v}”需要且只需要以下之一：{w}"),
    (r"variable '(?P<v>.+)' needs a label \{zh, en\}", "变量“{v}”需要名称 {{zh, en}}"),
    (r"'count' needs a records fact; '(?P<v>.+)' is (?P<w>\w+)", "count 需要记录类事实；“{v}”是{w}"),
    (r"'(?P<v>.+)' is a records fact: use 'count', 'for_each' or 'exists'", "“{v}”是记录类事实：请用 count、for_each 或 exists"),
    (r"'field' variables need 'for_each' on the requirement", "field 变量要求该要求有 for_each"),
    (r"'(?P<v>.+)' has no field '(?P<w>.+)'", "“{v}”没有字段“{w}”"),
    (r"'(?P<v>.+)' is not a records fact", "“{v}”不是记录类事实"),
    (r"'(?P<v>\w+)' takes a non-empty list of conditions", "{v} 需要非空的条件列表"),
    (r"'(?P<v>\w+)' takes two operands, e\.g\. (?P<w>.+)", "{v} 需要两个操作数，如 {w}"),
    (r"'(?P<v>\w+)' takes two earlier variable names, e\.g\. \[part, total\]", "{v} 需要两个已声明的变量名，如 [part, total]"),
    (r"'(?P<v>\w+)' needs (?P<n>\w+) variables; '(?P<r>.+)' is (?P<k>\w+)", "{v} 需要{n}类型的变量；“{r}”是{k}"),
    (r"'(?P<v>\w+)' needs numbers or dates; (?P<w>\w+) allows only eq/neq", "{v} 只能比较数字或日期；{w} 只能用 eq/neq"),
    (r"'(?P<v>.+)' is not one of the choices (?P<w>.+)", "“{v}”不是可选项（{w}）之一"),
    (r"comparing two constants is always the same; compare a variable", "比较两个常量的结果总是相同；请比较变量"),
    (r"cannot use (?P<v>.+) as an operand", "不能把{v}用作操作数"),
    (r"'exists' cannot be nested", "exists 不能嵌套"),
    (r"'in' takes \[variable, \[value, value, \.\.\.\]\]", "in 的写法是 [变量, [值, 值, ...]]"),
    (r"template error: (?P<v>.+)", "消息模板有误：{v}"),
    (r"a message of (?P<v>[\d,]+) characters; the limit is (?P<w>[\d,]+)", "消息有{v}个字符，上限为{w}"),
    (r"source '(?P<v>.+)' is declared in two rulesets", "依据“{v}”在两个规则集中都有声明"),
    (r"fact '(?P<v>.+)' is already declared in ruleset '(?P<w>.+)'", "事实“{v}”已在规则集“{w}”中声明"),
    (r"requirement id '(?P<v>.+)' is also used in (?P<w>.+)", "要求编号“{v}”已在 {w} 中使用"),
    (r"ruleset id '(?P<v>.+)' is already built in", "规则集编号“{v}”与内置规则集相同"),
    (r"fact key '(?P<v>.+)' must be namespaced lower_snake_case, e\.g\. (?P<w>.+)", "事实名称“{v}”应为带命名空间的小写下划线形式，如 {w}"),
    (r"a records fact needs 'fields'", "记录类事实需要 fields"),
    (r"only records facts have fields", "只有记录类事实才有 fields"),
    (r"records cannot nest", "记录不能嵌套"),
    (r"an enum needs 'choices', a list of text", "选项类事实需要 choices（文字列表）"),
    (r"only enum facts have choices", "只有选项类事实才有 choices"),
    (r"not_above compares two int or number facts", "not_above 只能比较两个整数或数字类事实"),
    (r"'where' filters records and needs 'for_each'", "where 用于筛选记录，需要 for_each"),
    (r"applies_when reads the case, not a record; filter records with 'where'", "applies_when 读取案例而非记录；筛选记录请用 where"),
    (r"no requirement '(?P<v>.+)'", "没有要求“{v}”"),
    (r"no section '(?P<v>.+)'", "没有部分“{v}”"),
    (r"unknown data check '(?P<v>.+)'", "未知的数据核对“{v}”"),
    (r"a tolerance is a number ≥ 0", "容差应为不小于0的数字"),
    (r"a credit is a fraction from 0 to 1", "分值比例应在0到1之间"),
    (r"a cap is a percentage of the maximum, 0–100", "上限是满分的百分比，0–100"),
    (r"a verification states the value found", "核验记录须写明核实的值"),
]
_ZH_SUGGESTIONS = [
    (r"did you mean '(?P<v>.+)'\?", "是否应为“{v}”？"),
    (r"allowed: (?P<v>.+)", "可填：{v}"),
    (r"fields: (?P<v>.+)", "字段：{v}"),
    (r"see docs/limits.md", "见 docs/limits.md"),
    (r"see `fazhi rules facts` for the vocabulary", "事实名称见 `fazhi rules doc`"),
    (r"give the figure alone; put approximations \('约10人', '10余次'\) in the evidence note",
     "只填数字；“约10人”“10余次”等约数请在证据说明中注明"),
    (r"a part cannot exceed its total; check both figures", "部分不能大于总数，请核对两个数字"),
    (r"round the figure; the evidence keeps the exact text", "请四舍五入；精确数字可写在证据中"),
    (r"remove or rename one of them", "删除或改名其中之一"),
    (r"write the keys out", "请逐项写出各键"),
    (r"write plain lists and mappings", "请写普通的列表和映射"),
    (r"operators: (?P<v>.+)", "运算符：{v}"),
    (r"checks: (?P<v>.+)", "数据核对：{v}"),
    (r"never raise an unconfirmed threshold to a hard rule", "未经核实的标准不能作为硬性规则"),
    (r"declare it under 'vars', or write text as \{text: \.\.\.\}", "请在 vars 下声明，或把文字写成 {{text: ...}}"),
    (r"use a variable name, a number, true/false, a date, or \{text: \.\.\.\}", "请用变量名、数字、true/false、日期或 {{text: ...}}"),
    (r"use \{\{ variable \}\}, \{% if %\} and comparisons, raw\.<variable>, and the filters (?P<v>.+)",
     "可用 {{{{ 变量 }}}}、{{% if %}} 和比较、raw.<变量>，以及过滤器 {v}"),
    (r"split alternatives into separate requirements", "请把几种情形拆成不同的要求"),
    (r"keep one entry per fact", "每个事实只保留一条"),
    (r"keep one waiver per requirement, district and record", "每个要求、区县和事项只保留一条豁免"),
    (r"a waiver is approved by someone other than its requester", "豁免须由申请人以外的人批准"),
]


def _kind_zh(kind: str) -> str:
    from fazhi.vocabulary import enum_label
    return {"bool": "是/否"}.get(kind) or enum_label(kind, "zh") + "值"


def _translate(table: list[tuple[str, Any]], text: str) -> str:
    for pattern, template in table:
        m = re.fullmatch(pattern, text)
        if m:
            return template(m) if callable(template) else template.format(**m.groupdict())
    return text


def zh_message(message: str) -> str:
    """The Chinese of a common English wording (the message unchanged when the table lacks it)."""
    return _translate(_ZH_MESSAGES, message)


def zh_suggestion(suggestion: str) -> str:
    return _translate(_ZH_SUGGESTIONS, suggestion)
