"""The 21-commune meeting workbook, cell by cell, against a recorded fingerprint.

The export is written for speed (formats per column, rows at once); this test proves
the demo's workbook did not change while doing so: every cell's value, type, number
format, font, fill, border, alignment and quote prefix, the merged ranges, column
widths, row heights, frozen panes, print setup and the chart's XML.

After an intended change of the workbook, record it again and review the diff:
    UPDATE_GOLDEN=1 pytest tests/reports/test_export_golden.py
"""

import json
import os
import re
import zipfile
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook

from ntm_portal.formats import format_date

GOLDEN = Path(__file__).parent / "golden" / "workbook_ky_anh_2021_q1.json"
URL = "/reports/2021/q1/export.xlsx"


def _colour(colour):
    if colour is None:
        return None
    return colour.rgb if colour.type == "rgb" else f"{colour.type}:{colour.value}"


def _style(cell):
    f, a, b = cell.font, cell.alignment, cell.border
    return {
        "format": cell.number_format,
        "font": [f.b, f.i, f.sz, _colour(f.color)],
        "fill": [cell.fill.fill_type, _colour(cell.fill.fgColor)],
        "border": [(side.style, _colour(side.color))
                   for side in (b.left, b.right, b.top, b.bottom)],
        "align": [a.horizontal, a.vertical, a.wrap_text],
        "quote": cell.quotePrefix,
    }


def fingerprint(xlsx, today):
    """What a reader of the workbook sees, as JSON-ready data (today's date replaced)."""
    book = load_workbook(BytesIO(xlsx))
    sheets = []
    for ws in book:
        styles, cells = [], []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                style = _style(cell)
                if style not in styles:
                    styles.append(style)
                value = cell.value
                if isinstance(value, str):
                    value = value.replace(today, "<today>")
                cells.append([cell.coordinate, value, cell.data_type, styles.index(style)])
        setup = ws.page_setup
        sheets.append({
            "title": ws.title,
            "cells": cells,
            "styles": styles,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {f"{d.min}-{d.max}": d.width for _k, d in sorted(ws.column_dimensions.items())
                       if d.customWidth},
            "heights": {str(k): d.height for k, d in sorted(ws.row_dimensions.items())
                        if d.height is not None},
            "freeze": ws.freeze_panes,
            "print": [setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                      ws.print_options.horizontalCentered, ws.print_title_rows,
                      ws.page_margins.left, ws.page_margins.right],
            "charts": len(ws._charts),
        })
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        charts = {name: archive.read(name).decode() for name in sorted(archive.namelist())
                  if re.fullmatch(r"xl/charts/chart\d+\.xml", name)}
    return {"sheets": sheets, "charts": charts}


def _dumps(found):
    """JSON with one cell or style a line, so that a re-recording diffs readably."""
    line = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    out = ['{"sheets": [']
    for n, sheet in enumerate(found["sheets"]):
        out.append("{")
        out.append(",\n".join(
            f'"{key}": [\n' + ",\n".join(line(item) for item in value) + "\n]"
            if key in ("cells", "styles") else f'"{key}": {line(value)}'
            for key, value in sheet.items()))
        out.append("}" + ("," if n < len(found["sheets"]) - 1 else ""))
    out.append('], "charts": ' + json.dumps(found["charts"], ensure_ascii=False, indent=1) + "}")
    return "\n".join(out) + "\n"


def test_the_demo_workbook_is_unchanged(client_for, committee):
    response = client_for(committee).get(URL)
    assert response.status_code == 200
    today = format_date(timezone.localdate())
    found = json.loads(json.dumps(fingerprint(response.getvalue(), today)))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(_dumps(found))
    expected = json.loads(GOLDEN.read_text())
    assert found["charts"] == expected["charts"]
    assert [s["title"] for s in found["sheets"]] == [s["title"] for s in expected["sheets"]]
    for got, want in zip(found["sheets"], expected["sheets"]):
        for key in want:
            if key == "cells":
                # Compare cell by cell with the style spelt out, for a readable failure.
                spelt = lambda sheet: [c[:3] + [sheet["styles"][c[3]]] for c in sheet["cells"]]  # noqa: E731
                assert spelt(got) == spelt(want), got["title"]
            elif key != "styles":
                assert got[key] == want[key], (got["title"], key)
