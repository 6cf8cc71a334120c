"""Whole rows of a constant-memory xlsxwriter worksheet, written as one piece of XML each.

In constant-memory mode xlsxwriter keeps one row in a table, and writes it to the sheet's
temporary file when the next row starts: every cell goes through ``write_*`` (argument
conversion, dimension checks, a named tuple in the table) and then ``_write_cell``
(attribute lists, escaping, a write per cell). For the sheets with one row per commune
(hundreds of thousands of cells in a large district) ``RowXml`` builds the row's XML as
one string, exactly as xlsxwriter would write those cells, and writes it at once.

What xlsxwriter writes, and so what this module writes (pinned by
``tests/reports/test_xlsxrows.py``, which compares the sheet XML with xlsxwriter's own
cell-by-cell output):

- a number: ``<c r="B7" s="3"><v>12.5</v></c>``, the value as ``{:.16G}``;
- a string, in constant-memory mode always an inline string (no shared-string table):
  ``<c r="B7" s="3" t="inlineStr"><is><t>text</t></is></c>``, with control characters
  as ``_xHHHH_`` (and a literal ``_xHHHH_`` escaped as ``_x005F_xHHHH_``), ``& < >``
  escaped, ``xml:space="preserve"`` on ``<t>`` when the text starts or ends with
  whitespace, text over 32,767 UTF-16 units cut there; a text that looks like
  ``<r>…</r>`` is taken by xlsxwriter as a rich string and written unescaped, and so here;
- a blank with a format: ``<c r="B7" s="3"/>`` (a blank without a format: nothing);
- ``s``: the format's style index (``Format._get_xf_index``), asked for in column order
  when the cell is written, as xlsxwriter does when it writes the row; a cell without a
  format takes the row's or the column's format, as in xlsxwriter;
- the ``<row>`` element by xlsxwriter's own ``_write_row`` (height, hidden, style).

xlsxwriter internals relied on (checked by ``supported``, and the fast path is only used
for the versions in ``VERSIONS``; any other version writes cell by cell as before):
``Worksheet.constant_memory``, ``previous_row`` (the row held in the table),
``_write_single_row(row)`` (writes the held row and holds ``row``), ``table``,
``row_info``, ``col_info``, ``comments``, ``_check_dimensions``, ``_write_row``, ``fh``
(the row data file), ``xls_strmax``, ``xls_rowmax``, ``xls_colmax`` and
``Format._get_xf_index``. After a fast row the worksheet holds
the next row (``previous_row = row + 1``): anything later written to the fast row itself
is refused by xlsxwriter's own dimension check, as for any row already flushed.

One difference of timing, not of content: a format's style index is assigned when the
fast row is written, xlsxwriter assigns it when the row is flushed (at the next row, or
when the workbook closes for a sheet's last row). The numbering is the same unless a
sheet ends with a fast row using a format for the first time; the report's per-commune
tables are always followed by a total or a note.
"""

import math
import re

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

# The xlsxwriter versions whose internals (above) were checked; see the tests.
VERSIONS = ("3.3.1",)

_INTERNALS = ("constant_memory", "previous_row", "table", "row_info", "col_info", "comments",
              "fh", "xls_strmax", "xls_rowmax", "xls_colmax", "_write_single_row",
              "_check_dimensions", "_write_row")

# xlsxwriter's escapes of control characters (xmlwriter._escape_control_characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHAR = re.compile(r"([\x00-\x08\x0b-\x1f])")


def supported(worksheet):
    """Whether rows of ``worksheet`` may be written by ``RowXml`` (else: cell by cell)."""
    return (xlsxwriter.__version__ in VERSIONS
            and getattr(worksheet, "constant_memory", False)
            and all(hasattr(worksheet, name) for name in _INTERNALS)
            and hasattr(Format, "_get_xf_index"))


def _utf16_length(text):
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _utf16_cut(text, limit):
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


def _control_escaped(text):
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL_CHAR.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


class RowXml:
    """Builds and writes whole rows of a constant-memory worksheet (see the module).

    Use ``start(row)`` (False: write this row cell by cell), then ``number``, ``string``
    and ``blank`` for the cells from left to right, then ``end()``.
    """

    def __init__(self, worksheet, columns):
        self.ws = worksheet
        self.names = [xl_col_to_name(column) for column in range(columns)]
        self.styles = {}
        self.strmax = worksheet.xls_strmax
        self.row = None
        self.parts = []
        self.first = self.last = None

    def _style(self, cell_format, column):
        """The ``s`` attribute of a cell, as xlsxwriter's ``_write_cell`` writes it."""
        if cell_format is not None:
            try:
                return self.styles[cell_format]
            except KeyError:
                style = self.styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
                return style
        row_info = self.ws.row_info.get(self.row)
        if row_info is not None and row_info.row_format:
            return f' s="{row_info.row_format._get_xf_index()}"'
        col_info = self.ws.col_info.get(column)
        if col_info is not None and col_info.column_format is not None:
            return f' s="{col_info.column_format._get_xf_index()}"'
        return ""

    def start(self, row, last_column):
        """Begin row ``row`` (0-based) whose cells end at ``last_column``; False when it
        must go cell by cell (already written, partly written, or out of bounds)."""
        ws = self.ws
        if row < ws.previous_row or last_column >= len(self.names):
            return False
        if row == ws.previous_row and (ws.table.get(row) or row in ws.comments):
            return False  # cells already held for this row: let xlsxwriter merge them
        if row >= ws.xls_rowmax or last_column >= ws.xls_colmax:
            return False
        if row > ws.previous_row:
            # Flush the row xlsxwriter holds before any style index of this row is asked
            # for, as xlsxwriter does when the first cell of a new row is written.
            ws._write_single_row(row)
        self.row, self.reference = row, f"{row + 1}"
        self.parts.clear()
        self.first = self.last = None
        return True

    def _cell(self, column):
        if self.first is None:
            self.first = column
        self.last = column
        return self.names[column] + self.reference

    def number(self, column, value, cell_format):
        """A number cell; False for NaN and infinities (xlsxwriter's own rules apply)."""
        if not math.isfinite(value):
            return False
        self.parts.append(f'<c r="{self._cell(column)}"{self._style(cell_format, column)}>'
                          f"<v>{value:.16G}</v></c>")
        return True

    def string(self, column, text, cell_format):
        if len(text) > self.strmax // 2 and _utf16_length(text) > self.strmax:
            text = _utf16_cut(text, self.strmax)
        if _CONTROL.search(text):
            text = _control_escaped(text)
        reference = self._cell(column)
        style = self._style(cell_format, column)
        if text.startswith("<r>") and text.endswith("</r>"):
            self.parts.append(f'<c r="{reference}"{style} t="inlineStr"><is>{text}</is></c>')
            return True
        preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.parts.append(f'<c r="{reference}"{style} t="inlineStr"><is><t{preserve}>'
                          f"{text}</t></is></c>")
        return True

    def blank(self, column, cell_format):
        if cell_format is None:
            return True  # xlsxwriter writes no cell
        self.parts.append(f'<c r="{self._cell(column)}"{self._style(cell_format, column)}/>')
        return True

    def end(self):
        """Write the row, and hold the next one (False: nothing was written)."""
        ws, row = self.ws, self.row
        if self.first is None:
            return False  # nothing to write: let xlsxwriter do as it does
        ws._check_dimensions(row, self.first)
        ws._check_dimensions(row, self.last)
        ws._write_row(row, None, ws.row_info.get(row))
        ws.fh.write("".join(self.parts))
        ws.fh.write("</row>")
        ws.table.clear()
        ws.previous_row = row + 1
        self.parts.clear()
        return True
