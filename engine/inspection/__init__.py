"""`fazhi inspect`: every case under some folders, evaluated in parallel, summarised for inspectors.

    discover.py   find the cases (folders with facts.yaml) and the waiver files that apply to them
    results.py    one case's result, compact and picklable: counts, scores, tiers, data quality, findings
    runner.py     the process pool (one Evaluator per worker), progress, per-case errors, the documents
    summary.py    all results together: the district × domain matrix, ranking, trends; summary.json
    xlsx.py       summary.xlsx (matrix, findings with filters, data quality, waivers, errors)
    dashboard.py  index.html: one self-contained page, charts as inline SVG (templates/inspect.html.j2)
    table.py      the same summary as a terminal table
"""
