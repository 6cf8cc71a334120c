"""Rows written as one piece of XML (reports/xlsxrows.py) against xlsxwriter cell by cell.

Each test writes the same workbook twice, once through ``RowXml`` and once through
xlsxwriter's own ``write_*`` calls, and compares the sheets' XML and the styles byte for
byte. The report writes dates as text (``format_date``), so there are no date cells.
"""

import math
import zipfile
from io import BytesIO
from types import SimpleNamespace

import pytest
import xlsxwriter

from reports import xlsxrows
from reports.export import BORDER, CENTER, MET_FILL, QUOTED, WRAP, Formats, RowWriter
from reports.xlsxrows import RowXml, supported
from ntm_portal.workbook import FORMULA_PREFIXES

FORMATS = {
    "plain": {"border": 1},
    "bold": {"bold": True, "border": 1},
    "number": {"num_format": "[$-42A]#,##0.00", "border": 1},
    "quoted": {"quote_prefix": True, "border": 1},
    "wrap": {"text_wrap": True, "valign": "top", "border": 1},
    "late": {"bg_color": "#F5C2C7", "pattern": 1},
}

AWKWARD_TEXT = [
    "", "Xã Kỳ Tây", "Phường Sông Trí – đạt chuẩn NTM nâng cao", 'a < b & c > "d" \'e\'',
    "=SUM(A1:A3)", "+84 912", "-5 hộ", "@mention", " leading space", "trailing space ",
    "\u00a0non-breaking", "ideographic\u3000", "line one\nline two", "\ttab first",
    "ctrl\x01char\x1f", "literal _x0041_ escape", "bad \ufffe char",
    "<b>not rich</b>", "emoji 🌾 rice", "trailing newline\n", "\u2028line separator",
    "next line\x85", "\u200bzero width", "\x1cfile separator", "tab\tinside", "x" * 40000, "🌾" * 17000, "a" * 16383 + "🌾" * 9000,
]
AWKWARD_NUMBERS = [0, 0.0, -0.0, -5, 1.5, -1234.5678, 1 / 3, 123456789.123456789, 1e20, 1e-9,
                   4054, 2**53 + 1, float(10**15)]


def _sheets(buffer):
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/") or name == "xl/styles.xml"}


def _cell_by_cell(ws, row, values, columns, fills):
    """The cells RowXml.write is documented to write, through xlsxwriter's own calls."""
    for column, ((kind, cell_format, quoted), value) in enumerate(zip(columns, values)):
        if fills and column in fills:
            cell_format, quoted = fills[column]
        if kind == "text" or (isinstance(value, str) and value != ""):
            text = "" if value is None else str(value)
            ws.write_string(row, column, text,
                            quoted if text.startswith(FORMULA_PREFIXES) else cell_format)
        elif value is None or value == "":
            ws.write_blank(row, column, None, cell_format)
        else:
            ws.write_number(row, column, float(value), cell_format)


def _workbook(fast, columns, rows, heights=None, skip_rows=(), sheets=1):
    """``rows`` of values (or (values, fills)) under a header written by xlsxwriter and
    above a total row; ``columns``: (kind, format name, quoted format name); ``fast``: the
    rows through ``RowXml``, else cell by cell."""
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    formats = {name: workbook.add_format(props) for name, props in FORMATS.items()}
    formats[None] = None
    plan = [(kind, formats[name], formats[quoted]) for kind, name, quoted in columns]
    for number in range(sheets):
        ws = workbook.add_worksheet(f"Sheet {number}")
        ws.set_column(0, 0, 12, formats["wrap"])
        ws.write_string(0, 0, "Header", formats["bold"])
        ws.write_string(0, 1, "Second", formats["bold"])
        xml = RowXml(ws, plan)
        row = 1
        for values in rows:
            values, fills = values if isinstance(values, tuple) else (values, None)
            fills = fills and {column: (formats[name], formats[quoted])
                               for column, (name, quoted) in fills.items()}
            while row in skip_rows:
                row += 1
            if row in (heights or {}):
                height, name = heights[row]
                ws.set_row(row, height, formats[name])
            if fast:
                assert xml.write(row, values, fills)
            else:
                _cell_by_cell(ws, row, values, plan, fills)
            row += 1
        ws.write_string(row, 1, "Total", formats["bold"])
        ws.write_number(row, 2, 42, formats["number"])
    workbook.close()
    return _sheets(buffer)


def _same(columns, rows, **options):
    fast, slow = _workbook(True, columns, rows, **options), _workbook(False, columns, rows, **options)
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name
    return slow


@pytest.fixture(autouse=True)
def _pinned():
    assert xlsxwriter.__version__ in xlsxrows.VERSIONS


def test_installed_xlsxwriter_is_a_checked_version():
    """An upgrade of xlsxwriter must be checked against these tests and added to VERSIONS
    (until then the report writes cell by cell: slower, same workbook)."""
    workbook = xlsxwriter.Workbook(BytesIO(), {"constant_memory": True, "in_memory": False})
    assert supported(workbook.add_worksheet())
    workbook.close()


def test_awkward_text_is_written_as_xlsxwriter_writes_it():
    columns = [("number", "plain", "plain"), ("text", "wrap", "quoted"), ("any", "plain", "quoted")]
    sheets = _same(columns, [[n, text, text] for n, text in enumerate(AWKWARD_TEXT)])
    xml = sheets["xl/worksheets/sheet1.xml"].decode()
    assert "a &lt; b &amp; c &gt;" in xml and "Xã Kỳ Tây" in xml
    assert "_x0001_" in xml and "_x005F_x0041_" in xml
    assert '<t xml:space="preserve"> leading space</t>' in xml


def test_awkward_numbers_blanks_and_cells_without_a_format():
    columns = [("any", "number", "quoted"), ("any", "plain", "plain"), ("any", None, None),
               ("any", None, None), ("text", "plain", "quoted"), ("text", None, None)]
    rows = [[value, None, -value, "", value, None] for value in AWKWARD_NUMBERS]
    rows += [([None, "", None, None, None], {0: (None, None)}),  # the column's format (A)
             ([-1, "-1", 0, 0.5, -2, "x"], None)]
    xml = _same(columns, rows, heights={4: (20, "late"), 5: (30, None)})[
        "xl/worksheets/sheet1.xml"].decode()
    assert "<v>0.3333333333333333</v>" in xml and "<v>1E+20</v>" in xml


def test_fills_wide_rows_heights_skipped_rows_and_several_sheets():
    columns = [("any", "number", "quoted") if c % 3 == 0 else ("text", "plain", "quoted")
               for c in range(60)]
    rows = [([r * c if c % 3 == 0 else f"r{r}c{c}" for c in range(60)],
             {c: ("late", "quoted") for c in range(r % 5, 60, 7)} if r % 2 else None)
            for r in range(40)]
    _same(columns, rows, heights={3: (30, None), 7: (45.5, None), 9: (15, "bold")},
          skip_rows={5, 6}, sheets=3)


def test_a_format_first_used_in_a_fast_row_gets_the_same_style_index():
    columns = [("any", "late", "quoted"), ("any", "plain", "quoted")]
    _same(columns, [["a", 1], [2, "=b"]])


def test_rows_it_cannot_take_are_left_to_xlsxwriter():
    workbook = xlsxwriter.Workbook(BytesIO(), {"constant_memory": True, "in_memory": False})
    ws = workbook.add_worksheet()
    plain = workbook.add_format({"border": 1})
    xml = RowXml(ws, [("any", plain, plain)] * 3)
    ws.write_number(4, 0, 1)
    assert not xml.write(4, [1, 2, 3])  # a cell of this row is held by xlsxwriter
    assert not xml.write(3, [1, 2, 3])  # written already
    assert not xml.write(6, [1, math.nan, 3])  # xlsxwriter's own rules for NaN
    assert not xml.write(7, [1, -math.inf])
    assert not xml.write(8, [None, None], {0: (None, None), 1: (None, None)})  # no cell
    assert not xml.write(1_048_576, [1])  # beyond the sheet
    assert xml.write(10, [1, "a", None, "ignored: beyond the columns"])
    assert ws.previous_row == 11 and ws.dim_rowmax == 10 and ws.dim_colmax == 2
    workbook.close()


def _row_writer_workbook(monkeypatch, fast):
    if not fast:
        monkeypatch.setattr(xlsxrows, "VERSIONS", ())
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    formats = Formats(workbook)
    sheet = SimpleNamespace(ws=workbook.add_worksheet(), formats=formats, row=2)
    sheet.ws.write_string(0, 0, "No.")
    writer = RowWriter(sheet, [("number",), ("text",), ("any", CENTER), ("integer",),
                               ("decimal",), ("text", WRAP)])
    assert (writer.xml is not None) == fast
    met = (formats(BORDER, MET_FILL, CENTER), formats(BORDER, MET_FILL, CENTER, QUOTED))
    for number, text in enumerate(AWKWARD_TEXT[:20], start=1):
        writer.write([number, text, "✓" if number % 2 else "", number * 1.5, -number / 7, text],
                     {2: met} if number % 3 else None)
    writer.write([None, None, None, None, None, None])
    writer.write([21, "=short row", 0])
    sheet.ws.write_string(sheet.row - 1, 1, "Total")
    workbook.close()
    return _sheets(buffer)


# Text that xlsxwriter alone would write into the sheet as raw XML (it takes it for a
# rich string): each must read back as typed, whichever way it is written.
RICH_LOOKING = ["<r>looks rich</r>", "<r><t>x</t></r>", "<r></r>", "<r>a</r><r>b</r>",
                "<r>" + "x" * 40000 + "</r>", "<r>broken & <unclosed</r>"]


@pytest.mark.parametrize("fast", [True, False])
def test_text_that_looks_like_a_rich_string_reads_back_as_typed(monkeypatch, fast):
    import openpyxl

    from reports.export import put_text

    if not fast:
        monkeypatch.setattr(xlsxrows, "VERSIONS", ())
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    formats = Formats(workbook)
    sheet = SimpleNamespace(ws=workbook.add_worksheet(), formats=formats, row=1)
    writer = RowWriter(sheet, [("text",), ("any",)])
    for text in RICH_LOOKING:
        writer.write([text, text])
    for number, text in enumerate(RICH_LOOKING):
        put_text(sheet.ws, sheet.row - 1 + number, 0, text, formats, BORDER)
    workbook.close()
    cells = list(openpyxl.load_workbook(buffer).active.iter_rows(values_only=True))
    expected = [text if len(text) < 32767 else text[:32767] for text in RICH_LOOKING]
    assert [row[:2] for row in cells[:len(RICH_LOOKING)]] == [(text, text) for text in expected]
    assert [row[0] for row in cells[len(RICH_LOOKING):]] == expected


def test_row_writer_gives_the_same_workbook_with_and_without_row_xml(monkeypatch):
    fast = _row_writer_workbook(monkeypatch, True)
    slow = _row_writer_workbook(monkeypatch, False)
    assert fast == slow


def test_an_unchecked_xlsxwriter_version_writes_cell_by_cell(monkeypatch):
    monkeypatch.setattr(xlsxwriter, "__version__", "99.0.0")
    workbook = xlsxwriter.Workbook(BytesIO(), {"constant_memory": True, "in_memory": False})
    assert not supported(workbook.add_worksheet())
    workbook.close()
    normal = xlsxwriter.Workbook(BytesIO())
    assert not supported(normal.add_worksheet())  # not in constant-memory mode
    normal.close()


def test_repeated_cells_are_written_as_the_first_time(monkeypatch):
    """Cell endings are kept for repeated values (``CACHED_CELLS``): equal values that
    xlsxwriter writes differently (0 / -0.0, 1 / True / Decimal) and the same text under
    another format still come out as xlsxwriter writes them, also once the store is full."""
    from decimal import Decimal

    columns = [("any", "number", "quoted"), ("any", "plain", "quoted"), ("text", "wrap", "quoted")]
    values = [0, 0.0, -0.0, Decimal("0"), Decimal("-0"), Decimal("-0.00"), 1, 1.0, True,
              False, Decimal("1"), Decimal("1.50"), 1.5, -5, Decimal("-5"), 2**53 + 1,
              float(2**53 + 1), "✓", "✗", "", "=x", " ✓"]
    rows = [[value, value, value] for value in values * 3]
    rows += [([value, value, value], {0: ("late", "quoted"), 1: ("late", "quoted")})
             for value in values]
    _same(columns, rows)
    monkeypatch.setattr(xlsxrows, "CACHED_CELLS", 3)  # full after three of each kind
    _same(columns, rows)
