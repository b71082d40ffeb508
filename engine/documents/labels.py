"""Every fixed word of the two documents, in Chinese and English, and how numbers and dates read."""
from __future__ import annotations

import datetime as dt

from fazhi.vocabulary import Confidence, Severity, Tier, Verdict, enum_label

_DIGITS = "零一二三四五六七八九"
_EN_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "report_title": "{district}{period}年度法治政府建设差距报告",
        "memo_title": "{district}{period}年度法治政府建设问题整改方案",
        "info": "基本信息", "item": "项目", "content": "内容",
        "district": "地区", "period": "年度", "period_value": "{period}年度", "rulesets": "规则集及版本",
        "ruleset_entry": "{title}（{version}版）",
        "profile_entry": "{title}（{version}版）",
        "points": "得分", "points_value": "{earned} / {points}",
        "profile": "评分方案", "no_profile": "未使用（按领域计算符合率，不计总分）", "evaluated_on": "评估日期",
        "previous_memo": "上期整改方案",
        "overview": "总体情况",
        "overview_sentence": "本次对照{total}项要求进行检查，其中符合{met}项，存在差距{gap}项，事实不足{insufficient}项，不适用{na}项。",
        "domain": "领域", "requirements": "要求数", "score": "符合率", "total": "合计", "total_score": "总分",
        "score_note": "符合率＝符合项数÷（符合＋差距＋事实不足）项数，不适用项不计入。",
        "profile_note": "得分按评分方案{profile}计算：",
        "problems": "存在的问题", "no_problems": "本次检查未发现差距。",
        "domain_heading": "{number}{title}方面",
        "expected": "对照要求", "actual": "实际情况", "evidence": "证据", "basis": "依据",
        "records": "涉及事项", "record": "事项", "situation": "情况",
        "count_sentence": "{count}件{label}不符合“{title}”的要求",
        "rfi": "需补充的材料", "no_rfi": "无需补充材料。",
        "rfi_intro": "以下要求因缺少事实无法作出结论，请逐项答复并附证明材料：",
        "question": "需答复的问题", "attach": "需附材料",
        "attach_text": "载明“{label}”的文件，注明文件名称、文号和页码",
        "attach_record": "事项{record}的相关文书，注明文件名称、文号和页码",
        "record_question": "{label}{record}的“{field}”是什么？",
        "annex": "逐项检查结果",
        "id": "编号", "requirement": "要求", "severity": "严重程度", "verdict": "结论", "note": "说明",
        "progress": "整改销号情况",
        "progress_sentence": "对照{date}整改方案的{total}项问题：已销号{closed}项，仍在整改{open}项，反弹{reopened}项，待核验{unverified}项；本次新增问题{new}项。",
        "previous_status": "上期状态", "current_status": "本期状态",
        "tasks": "整改任务清单", "no_tasks": "本次检查未发现需整改的问题。",
        "number": "序号", "problem": "问题", "measure": "整改措施", "owner": "责任单位",
        "deadline": "完成时限", "acceptance": "验收标准", "status": "整改状态",
        "deadlines": "完成时限说明",
        "deadline_sentence": "完成时限自评估日期（{date}）起算：{table}。",
        "deadline_rule_note": "规则集对个别问题的完成期限另有规定的，从其规定，并在完成时限中注明。",
        "deadline_entry": "{severity}问题{days}日",
        "record_acceptance": "（事项{record}）",
        "sep": "；", "colon": "：", "comma": "，", "stop": "。", "open_paren": "（", "close_paren": "）",
        "facts_given": "所填事实：",
        "quote": "“{text}”", "book": "《{text}》", "page": "第{page}页", "days": "{days}日",
        "carry_note": "上期问题，{status}",
        "waivers": "豁免事项", "no_waivers": "无豁免事项。", "waived_clause": "；另有{waived}项经批准豁免，单独计列。",
        "without_waivers_note": "不计豁免（豁免项按原结论计）的总分：{earned} / {points}。",
        "share_without_waivers": "豁免项不计入符合率；按原结论计入时，总符合率为{share}。",
        "waivers_intro": "以下要求经批准豁免，不计为差距；豁免已过期的，按差距计。",
        "justification": "豁免理由", "requested_by": "申请人", "approved_by": "批准人", "expires": "有效期至",
        "unverified": "符合但未经核验", "no_unverified": "所有符合项均已核验。",
        "unverified_intro": "以下要求按填报情况判定为符合，但所依事实未经督察核验，符合结论有待核实：",
        "tier": "证明程度",
        "data_quality": "数据质量问题",
        "data_quality_intro": "以下填报数据前后不一致或超出年度范围，请核实更正：",
        "location": "位置", "check": "核验项",
        "annex_label": "附件{number}", "task_number": "整改事项{number}", "deadline_rule": "（依《{ruleset}》规则集规定）", "severity_short": "等级", "facts_file": "填报的事实文件", "facts_line": "事实文件第{line}行",
        "annex_details": "存在问题的具体情况", "annex_requests": "需补充材料清单", "annex_verdicts": "逐项检查结果",
        "annex_list": "附件：", "details_ref": "（详见附件1）",
        "rfi_summary": "另有{count}项要求因缺少事实无法作出结论（{domains}），需补充{rows}类材料，清单见附件2。",
        "rfi_domain_entry": "{title}{count}项",
        "question_attach": "需答复的问题（请附载明相关情况的文件，注明文件名称、文号和页码）",
        "fields": "需填写的情况", "for_requirements": "涉及要求",
        "records_question": "请列出本年度{label}，逐项填写下表：",
        "records_fill_question": "请补充下列{label}的情况：{records}。",
        "addressee_default": "中共{parent}委、{parent}人民政府",
        "colophon": "生成信息：版本{version}；评估日期{date}；规则集摘要：{rulesets}；事实摘要：{inputs}。",
        "colophon_ruleset": "{title}{version}版 {digest}",
        "counts_sentence": "本次对照{requirements}项要求作出{findings}条结论（按事项逐件检查的要求，每件事项一条结论）；下文均按要求计数。",
    },
    "en": {
        "report_title": "Gap report on building law-based government: {district}, {period}",
        "memo_title": "Remediation plan for law-based government: {district}, {period}",
        "info": "Particulars", "item": "Item", "content": "Value",
        "district": "District", "period": "Period", "period_value": "{period}", "rulesets": "Rulesets and versions",
        "ruleset_entry": "{title} ({id}, version {version})",
        "profile_entry": "{title} ({id}, version {version})",
        "points": "Points", "points_value": "{earned} / {points}",
        "profile": "Scoring profile", "no_profile": "none (share met by domain; no total score)",
        "evaluated_on": "Date of evaluation", "previous_memo": "Previous remediation plan",
        "overview": "Overview",
        "overview_sentence": "{total} requirements were checked: {met} met, {gap} with gaps, {insufficient} with insufficient facts, {na} not applicable.",
        "domain": "Domain", "requirements": "Requirements", "score": "Share met", "total": "Total", "total_score": "Total score",
        "score_note": "Share met = met ÷ (met + gap + insufficient facts); not-applicable requirements are left out.",
        "profile_note": "Points under the scoring profile {profile}:",
        "problems": "Problems found", "no_problems": "The check found no gap.",
        "domain_heading": "{number} {title}",
        "expected": "Expected", "actual": "Found", "evidence": "Evidence", "basis": "Basis",
        "records": "Items concerned", "record": "Item", "situation": "Finding",
        "count_sentence": "{label}: {count} fall short of “{title}”",
        "rfi": "Information requested", "no_rfi": "No further information is needed.",
        "rfi_intro": "No verdict could be reached on these requirements for want of facts; please answer each question and attach the evidence:",
        "question": "Question", "attach": "Attach",
        "attach_text": "the document stating “{label}”, with its title, number and page",
        "attach_record": "the documents of item {record}, with their title, number and page",
        "record_question": "What is “{field}” of {label} {record}?",
        "annex": "Result of every requirement",
        "id": "ID", "requirement": "Requirement", "severity": "Severity", "verdict": "Verdict", "note": "Note",
        "progress": "Progress on the previous plan",
        "progress_sentence": "Of the {total} items of the plan of {date}: {closed} closed, {open} still open, {reopened} reopened, {unverified} not verifiable; {new} new problems this time.",
        "previous_status": "Previous status", "current_status": "Status now",
        "tasks": "Remediation tasks", "no_tasks": "The check found nothing to remedy.",
        "number": "No.", "problem": "Problem", "measure": "Measure", "owner": "Responsible unit",
        "deadline": "Deadline", "acceptance": "Acceptance criterion", "status": "Status",
        "deadlines": "Deadlines",
        "deadline_sentence": "Deadlines count from the date of evaluation ({date}): {table}.",
        "deadline_rule_note": " Where a ruleset sets its own deadline for a problem, that deadline applies and the item says so.",
        "deadline_entry": "{severity} {days} days",
        "record_acceptance": " (item {record})",
        "sep": "; ", "colon": ": ", "comma": ", ", "stop": ".", "open_paren": " (", "close_paren": ")",
        "facts_given": "facts given: ",
        "quote": "“{text}”", "book": "{text}", "page": "p. {page}", "days": "{days} days",
        "carry_note": "carried over, {status}",
        "waivers": "Waivers", "no_waivers": "No waivers.", "waived_clause": "; {waived} more are waived by approval and counted apart.",
        "without_waivers_note": "Total without the waivers (waived requirements at their original verdict): {earned} / {points}.",
        "share_without_waivers": "Waived requirements are left out of the share met; at their original verdicts the overall share is {share}.",
        "waivers_intro": "These requirements are waived by approval and not counted as gaps; an expired waiver counts as a gap.",
        "justification": "Justification", "requested_by": "Requested by", "approved_by": "Approved by", "expires": "Expires",
        "unverified": "Met but not verified", "no_unverified": "Every requirement met rests on verified facts.",
        "unverified_intro": "These requirements are met on the facts as submitted, but no inspector has verified the facts they rest on:",
        "tier": "Evidence",
        "data_quality": "Data quality",
        "data_quality_intro": "These submitted figures disagree with each other or fall outside the period; please check and correct them:",
        "location": "Where", "check": "Check",
        "annex_label": "Annex {number}", "task_number": "Item {number}", "deadline_rule": " (as the ruleset {ruleset} sets)", "severity_short": "Severity", "facts_file": "the facts file", "facts_line": "facts file, line {line}",
        "annex_details": "Details of the problems found", "annex_requests": "Information requested", "annex_verdicts": "Result of every requirement",
        "annex_list": "Annexes: ", "details_ref": " (see Annex 1)",
        "rfi_summary": "No verdict could be reached on {count} more requirements for want of facts ({domains}); {rows} kinds of information are requested in Annex 2.",
        "rfi_domain_entry": "{title}: {count}",
        "question_attach": "Question (attach the document stating it, with its title, number and page)",
        "fields": "To fill in", "for_requirements": "Requirements",
        "records_question": "List the {label} of the year and fill in the table for each:",
        "records_fill_question": "Complete these {label}: {records}.",
        "addressee_default": "Party committee and people's government of {parent}",
        "colophon": "Produced by Fazhi {version}; evaluated {date}; rulesets: {rulesets}; facts: {inputs}.",
        "colophon_ruleset": "{title} version {version} {digest}",
        "counts_sentence": "{requirements} requirements were checked, giving {findings} findings (a requirement checked per record gives one finding per record); counts below are by requirement.",
    },
}

# The words of severities, verdicts and tiers come from the one table every output uses (vocabulary.ENUM_LABELS)
SEVERITY = {lang: {s.value: enum_label(s, lang) for s in Severity} for lang in ("zh", "en")}
VERDICT = {lang: {v.value: enum_label(v, lang) for v in Verdict} for lang in ("zh", "en")}
TIER = {lang: {t.value: enum_label(t, lang) for t in Tier} for lang in ("zh", "en")}
WAIVER_STATUS = {"zh": {"applied": "已豁免", "expired": "已过期，不予豁免", "unused": "未使用"},
                 "en": {"applied": "waived", "expired": "expired: not waived", "unused": "not needed"}}
STATUS = {"zh": {"open": "整改中", "closed": "已销号", "reopened": "反弹", "unverified": "待核验", "new": "新增"},
          "en": {"open": "open", "closed": "closed", "reopened": "reopened", "unverified": "not verifiable", "new": "new"}}
CONFIDENCE = {"zh": {"paraphrased": "（依据为转述，待核实）", "uncertain": "（依据存疑，待核实）"},
              "en": {"paraphrased": " (source paraphrased; to be verified)", "uncertain": " (source uncertain; to be verified)"}}


def label(lang: str, key: str, **values: object) -> str:
    text = LABELS[lang][key]
    return text.format(**values) if values else text


def severity(lang: str, value: Severity) -> str:
    return SEVERITY[lang][value.value]


def verdict(lang: str, value: Verdict) -> str:
    return VERDICT[lang][value.value]


def status(lang: str, value: str) -> str:
    return STATUS[lang][value]


def confidence_mark(lang: str, value: Confidence) -> str:
    """The marker an uncertain or paraphrased basis carries wherever it appears; empty when verbatim."""
    return CONFIDENCE[lang].get(value.value, "")


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (enough for any list in a report)."""
    if not 0 <= n < 1000:
        raise ValueError(f"{n} is outside 0–999")
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = _DIGITS[hundreds] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    return head + ("一" if rest < 20 else "") + chinese_numeral(rest)


def point_ordinal(lang: str, n: int) -> str:
    """一是、二是… in Chinese; First, Second… in English."""
    if lang == "en":
        return _EN_ORDINALS[n - 1] + "," if n <= len(_EN_ORDINALS) else f"({n})"
    return (chinese_numeral(n) if n < 1000 else str(n)) + "是"


def section_number(lang: str, n: int) -> str:
    """一、二、… for top-level headings."""
    return f"{n}." if lang == "en" or n >= 1000 else chinese_numeral(n) + "、"


def subsection_number(lang: str, n: int) -> str:
    """（一）（二）… for second-level headings."""
    return f"({n})" if lang == "en" or n >= 1000 else f"（{chinese_numeral(n)}）"


def date_text(lang: str, day: dt.date) -> str:
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def sentence(lang: str, text: str) -> str:
    """A statement closed by one full stop, whatever punctuation it arrived with."""
    text = text.strip().rstrip("。；;，,.")
    return text + ("." if lang == "en" else "。")
