"""An inspection shows a district's departments: a department sheet in summary.xlsx (one row per
department, its verdict on each per-department requirement) and, in the dashboard, a drill-down from the
district's row to its department table. A district without departments is unchanged."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def inspected(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("departments")
    for name in ("macun-2020", "example-departments-2020"):
        shutil.copytree(ROOT / "cases" / name, base / "cases" / name)
    result = subprocess.run([sys.executable, "-m", "fazhi", "inspect", str(base / "cases"), "--out", str(base / "out"),
                             "--jobs", "1", "--date", "2021-06-01"], capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return base / "out"


def test_summary_xlsx_has_a_row_per_department_with_its_verdicts(inspected):
    book = openpyxl.load_workbook(inspected / "summary.xlsx", read_only=True)
    assert "部门" in book.sheetnames
    rows = list(book["部门"].iter_rows(values_only=True))
    head, body = rows[0], rows[1:]
    facts = (ROOT / "cases" / "example-departments-2020" / "facts.yaml").read_text(encoding="utf-8")
    listed = re.findall(r"^- id: (\S+)", facts, flags=re.M)
    assert len(body) == len(listed) and {r[3] for r in body} == set(listed)  # Macun lists none: no rows
    column = next(i for i, h in enumerate(head) if str(h).startswith("TS-REVIEW-STAFF-5PCT"))
    short = [r[4] for r in body if r[column] == "差距"]
    assert short and all(r[7] >= 1 for r in body if r[column] == "差距")  # the gap counts in the department's total
    assert {r[column] for r in body} <= {"符合", "差距", "事实不足", "不适用", "豁免", ""}


def test_the_dashboard_drills_down_from_the_district_row(inspected):
    page = (inspected / "index.html").read_text(encoding="utf-8")
    summary = json.loads((inspected / "summary.json").read_text(encoding="utf-8"))
    example = next(c for c in summary["cases"] if c["district"] == "示例区（虚构）")
    macun = next(c for c in summary["cases"] if c["district"] == "马村区")
    assert "departments" not in macun  # summary.json unchanged for a district without departments
    anchor = f"departments-{example['slug']}"
    assert f'href="#{anchor}"' in page and f'<details id="{anchor}">' in page
    table = page[page.index(f'<details id="{anchor}">'):]
    table = table[:table.index("</details>")]
    assert table.count("<tr>") == 1 + len(example["departments"])
    lagging = [d["name"] for d in example["departments"] if d["gaps"]]
    assert f"{len(lagging)}个部门存在差距" in table
    first_row = table[table.index("<tbody>"):]
    assert any(name in first_row[:400] for name in lagging)  # worst department first
    assert "<script>" not in page and " onclick" not in page
