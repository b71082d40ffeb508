"""Every text of the web pages in Chinese and English; the loader's messages put into Chinese."""
from __future__ import annotations

import re

LANGS = ("zh", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "app": ("法治政府建设自评系统", "Fazhi self-assessment"),
    "login": ("登录", "Log in"), "logout": ("退出", "Log out"), "username": ("用户名", "User name"),
    "password": ("密码", "Password"), "login_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "login_slow": ("连续输错密码次数过多，请{seconds}秒后再试。",
                   "Too many wrong passwords in a row: try again in {seconds} seconds."),
    "language": ("English", "中文"),
    "home": ("首页", "Home"), "districts": ("辖区各区县", "Districts"), "district": ("区县", "District"),
    "period": ("年度", "Period"), "status": ("状态", "Status"),
    "open": ("填报中", "open"), "submitted": ("已报送（已锁定）", "submitted (locked)"),
    "deadline": ("报送截止日期：{date}（《法治政府建设与责任落实督察工作规定》第二十三条：每年3月1日前）",
                 "Deadline: {date} (督察工作规定 art. 23: by 1 March each year)"),
    "departments": ("部门", "Departments"), "department": ("部门", "Department"),
    "progress": ("各部门填报进度", "Progress per department"),
    "not_started": ("未开始", "not started"), "in_progress": ("填报中", "in progress"), "dept_submitted": ("已报送", "submitted"),
    "verdicts": ("结论统计", "Verdicts"), "met": ("符合", "met"), "gap": ("存在差距", "gap"),
    "insufficient_facts": ("事实不足", "insufficient facts"), "not_applicable": ("不适用", "not applicable"),
    "waived": ("已豁免", "waived"), "worst_gaps": ("主要差距（按严重程度）", "Worst gaps first"),
    "no_gaps": ("暂无差距。", "No gaps."),
    "critical": ("严重", "critical"), "major": ("较重", "major"), "minor": ("一般", "minor"), "advisory": ("提示", "advisory"),
    "domains": ("填报领域", "Domains"), "fill": ("填报", "Fill in"), "save": ("保存", "Save"),
    "value": ("数值", "Value"), "unknown": ("（未填）", "(not given)"), "yes": ("是", "yes"), "no": ("否", "no"),
    "evidence": ("佐证材料", "Evidence"), "document": ("文件名称", "Document"), "doc_number": ("文号", "Document number"),
    "page": ("页码", "Page"), "quote": ("原文摘录", "Quote"), "url": ("网址", "URL"), "note": ("说明", "Note"),
    "upload": ("上传文件", "Upload a file"), "evidence_date": ("材料日期", "Evidence date"),
    "uploaded": ("已上传", "Uploaded"), "feeds": ("本项用于", "Feeds"), "record_id": ("编号", "ID"),
    "delete": ("删除", "Delete"), "records_hint": ("每行一条记录；清空编号即删除该行。", "One record a row; clear the ID to drop a row."),
    "saved": ("已保存。", "Saved."), "fix_errors": ("请更正标出的错误。", "Please correct the marked fields."),
    "conflict": ("保存冲突", "Save conflict"),
    "conflict_text": ("在您打开本页之后，{user}已于{at}保存了此项。未覆盖任何内容。请比较两个数值后重新保存。",
                      "{user} saved this fact at {at}, after you opened the page. Nothing was overwritten: compare "
                      "both values and save again."),
    "their_value": ("已保存的数值", "The saved value"), "your_value": ("您提交的数值", "Your value"),
    "back": ("返回", "Back"), "submit_case": ("报送并锁定", "Submit and lock"),
    "reopen": ("重新开放", "Reopen"), "reason": ("理由", "Reason"), "submit_part": ("本部门报送", "Submit my department's part"),
    "report": ("差距报告", "Gap report"), "memo": ("整改方案", "Remediation memo"), "view": ("查看", "View"),
    "download": ("下载", "Download"), "audit": ("操作记录", "Audit log"), "when": ("时间", "When"), "who": ("操作人", "Who"),
    "action": ("操作", "Action"), "target": ("对象", "Target"), "before": ("原值", "Before"), "after": ("新值", "After"),
    "region": ("辖区", "Region"), "ranking": ("各区县排名（差距最多者在前）", "Districts, worst first"),
    "weighted_gaps": ("加权差距", "Weighted gaps"), "missing_facts": ("事实不足项", "Missing facts"),
    "verify": ("核验", "Verify"), "verified": ("已核验", "Verified"), "verification_queue": ("待核验事项", "Verification queue"),
    "waiver_queue": ("待审批豁免", "Waiver queue"), "waivers": ("豁免", "Waivers"), "request_waiver": ("申请豁免", "Request a waiver"),
    "requirement": ("要求", "Requirement"), "justification": ("理由", "Justification"), "expires": ("有效期至", "Expires"),
    "approve": ("批准", "Approve"), "reject": ("驳回", "Reject"), "requested_by": ("申请人", "Requested by"),
    "compare": ("年度对比", "Year over year"), "summary_xlsx": ("汇总表 summary.xlsx", "summary.xlsx"),
    "manage": ("部门与用户管理", "Departments and users"), "add_department": ("新增部门", "Add a department"),
    "code": ("代码", "Code"), "name": ("名称", "Name"), "kind": ("类别", "Kind"), "add_user": ("新增用户", "Add a user"),
    "role": ("角色", "Role"), "admin": ("系统管理", "Administration"), "regions": ("辖区", "Regions"),
    "add_region": ("新增辖区", "Add a region"), "claimed": ("填报值", "Claimed"), "error": ("出错了", "Error"),
    "forbidden": ("您无权进行此操作。", "You may not do this."), "not_found": ("未找到。", "Not found."),
    "bad_request": ("请求无效。", "Bad request."), "csrf": ("表单已过期或来源无效，请刷新页面后重试。",
                                                        "The form expired or did not come from this site: reload and try again."),
    "locked": ("本年度自评已报送并锁定。", "This self-assessment is submitted and locked."),
    "upload_too_big": ("文件过大（上限 {mb} MB），未保存。", "The file is too big (limit {mb} MB); nothing was stored."),
    "upload_bad_type": ("只接受 PDF、OFD、DOCX、XLSX、JPG、PNG 文件（按文件内容判断），未保存。",
                        "Only PDF, OFD, DOCX, XLSX, JPG and PNG files are accepted (judged by content); nothing was stored."),
    "server_error": ("系统内部错误，已记录。", "Internal error; it has been logged."),
    "coordinator": ("司法局协调人", "coordinator"), "inspector": ("督察人员", "inspector"),
    "department_role": ("部门填报人", "department filler"), "district_facts": ("区级事项（司法局填报）", "District-level (justice bureau)"),
    "note_required": ("请填写理由。", "Please give a reason."),
    "department_facts": ("{name}本部门填报事项", "{name}: the department's own facts"),
    "no_questions": ("本领域没有此处填报的事项。", "This domain has no questions to answer here."),
    "rolled_up": ("由各部门填报、汇总至区级的事项", "Given by each department, added up for the district"),
    "rolled_value": ("各部门汇总值（记录为条数）", "Departments' total (records: how many)"),
    "awaiting_departments": ("（待各部门报齐）", "(awaiting every department)"),
    "my_department": ("填报{name}本部门事项", "Fill in {name}'s own facts"),
    "department_matrix": ("各部门落实情况", "Departments, requirement by requirement"),
    "dept_not_reported": ("未报送", "not submitted"),
    "department_forms": ("本部门填报领域", "The department's forms"),
    "department_verdicts": ("本部门各项结论", "The department's verdicts"),
    "own_facts": ("已填报事项数", "Facts given"),
}


def t(lang: str, key: str, **kwargs: object) -> str:
    zh, en = TEXTS.get(key, (key, key))
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


# The facts loader words its problems in English; the form shows them in Chinese first, with the English.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"expected yes/no.*"), "应填“是”或“否”"),
    (re.compile(r"expected a whole number.*"), "应填整数"),
    (re.compile(r"expected a percentage.*"), "应填百分比，如 96.2 或 96.2%"),
    (re.compile(r"expected a number.*"), "应填数字"),
    (re.compile(r"expected a date.*"), "应填日期（YYYY-MM-DD）"),
    (re.compile(r"'(.*)' is not a real date"), "“{0}”不是有效日期"),
    (re.compile(r"(\S+) is below the minimum (\S+)"), "{0} 小于下限 {1}"),
    (re.compile(r"(\S+) is above the maximum (\S+)"), "{0} 大于上限 {1}"),
    (re.compile(r"(\S+) is larger than (\S+) \((.*)\)"), "{0} 大于 {1}（{2}），部分不能超过总数"),
    (re.compile(r"'(.*)' is not one of (.*)"), "“{0}”不是可选值之一：{1}"),
    (re.compile(r"duplicate record id '(.*)'.*"), "记录编号“{0}”重复"),
    (re.compile(r"each record needs an 'id'"), "每条记录都需要编号"),
    (re.compile(r"text of .* characters; the limit is .*"), "文字过长"),
    (re.compile(r".* significant digits and .* decimal places.*"), "有效数字或小数位过多"),
    (re.compile(r".* is larger than the limit .*"), "数值过大"),
    (re.compile(r"expected non-empty text.*"), "不能为空"),
    (re.compile(r"expected text.*"), "应填文字"),
]


def problem_text(lang: str, message: str) -> str:
    if lang == "en":
        return message
    for pattern, zh in _PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return zh.format(*match.groups()) + f"（{message}）"
    return message
