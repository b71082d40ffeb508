"""The documents a district hands upward: the gap report (差距报告) and the remediation memo (整改方案).

    model.py      the views templates see (frozen, in one language)
    build.py      Evaluation → ReportView: 存在的问题 by domain, 需补充的材料, annex, summary
    memo.py       Evaluation → MemoView: one item per gap, owners, deadlines
    memo_json.py  memo.json write/read, stable item ids, progress (closed / open / reopened / unverified)
    owners.py     owners.yaml: owner roles, domains, requirements → units
    render.py     Markdown and HTML through Jinja2 templates (templates/, or --templates DIR)
    docx.py       DOCX in the style of a government document (layout in docx_style.py)
    labels.py     every fixed word in Chinese and English; 一是/二是 numbering; dates
"""
