"""`fazhi inspect`: every case under some folders, evaluated in parallel, summarised for inspectors.

    discover.py   find the cases (folders with facts.yaml) and the waiver files that apply to them
    results.py    one case's result, compact and picklable: counts, scores, tiers, data quality, findings
    runner.py     the process pool (one Evaluator per worker), progress, per-case errors, the documents
    render.py     in the worker: the case's summary.json entry, findings-sheet rows and pickled findings, as bytes
    ordered.py    results handed on in case order, however they finish
    summary.py    all results together: the district × domain matrix, ranking, trends; summary.json
    xlsx.py       summary.xlsx (matrix, findings with filters, data quality, waivers, errors)
    xlsxwriter.py a streaming XLSX writer; cells.py its rows as XML and the shared-string table
    dashboard.py  index.html: charts as inline SVG (templates/inspect.html.j2), and sort.js beside it (sortable tables)
    table.py      the same summary as a terminal table
"""
