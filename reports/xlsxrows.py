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
  whitespace, text over 32,767 UTF-16 units cut there. One deliberate difference: a
  text that looks like ``<r>…</r>`` is taken by xlsxwriter as a rich string's XML and
  written unescaped (a comment typed that way would break the workbook); here it is
  escaped like any text, and ``reports.export.write_text`` does the same on the slow path;
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
``Format._get_xf_index``. Before a fast row, the row xlsxwriter holds is flushed (as its
own ``write_*`` does on a new row); after it the worksheet holds the next row
(``previous_row = row + 1``), so anything later written to the fast row itself is refused
by xlsxwriter's own dimension check, as for any row already flushed. A row partly written
through xlsxwriter, NaN or infinite numbers and rows outside the sheet are left to
xlsxwriter (``write`` answers False and the caller writes the cells one by one).

The plain cases are written without a function call per cell: a number, or a text of
at most 16,383 characters in which ``_plain_fails`` finds nothing (no character to escape
or to look at twice, no leading or trailing whitespace, cannot look like a rich string);
other text goes through ``_string_tail``, which does all of xlsxwriter's steps in its
order. What follows a cell's reference (its style and value) is kept for repeated cells
of a format (``CACHED_CELLS`` per table: ✓ and ✗, labels, small counts): the next is
written without those steps; a float or Decimal zero is never kept (0.0 and -0.0 are
equal keys but written "0" and "-0"). The ``<row>`` tag, written
by xlsxwriter's own ``_write_row``, goes to the file with the cells in one write.

One difference of timing, not of content: a format's style index is assigned when the
fast row is written, xlsxwriter assigns it when the row is flushed (at the next row, or
when the workbook closes for a sheet's last row). The numbering is the same unless a
sheet ends with a fast row using a format for the first time; the report's per-commune
tables are always followed by a total or a note.
"""

import re
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from ntm_portal.workbook import FORMULA_PREFIXES

# The xlsxwriter versions whose internals (above) were checked; see the tests.
VERSIONS = ("3.3.1",)

_INTERNALS = ("constant_memory", "previous_row", "table", "row_info", "col_info", "comments",
              "fh", "xls_strmax", "xls_rowmax", "xls_colmax", "_write_single_row",
              "_check_dimensions", "_write_row")

# xlsxwriter's escapes of control characters (xmlwriter._escape_control_characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# Text that may need more than the plain inline string: XML characters, control
# characters, a rich string's look (starts with ``<``), any ``_`` (``_xHHHH_``); leading
# or trailing whitespace (``xml:space``) is checked beside it. A character class alone:
# searched far faster than alternatives, and text it finds takes the careful way.
_plain_fails = re.compile(r"[&<>_\x00-\x08\x0b-\x1f\ufffe\uffff]").search
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


def looks_rich(text):
    """Whether xlsxwriter would write ``text`` (already cut to Excel's length) as raw rich
    string XML instead of escaping it."""
    return text.startswith("<r>") and text.endswith("</r>")


def cut(text, limit):
    """``text`` cut to ``limit`` UTF-16 units, as xlsxwriter's ``write_string`` cuts it."""
    if len(text) > limit // 2 and _utf16_length(text) > limit:
        return _utf16_cut(text, limit)
    return text


def _control_escaped(text):
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL_CHAR.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


# Cell endings kept per ``RowXml`` (by formats and value), at most this many: the
# report's repeated cells (✓ / ✗, labels, small counts) are built once; memory stays the
# same whatever the number of communes.
CACHED_CELLS = 8192
_NUMBERS = frozenset({int, float, Decimal})


class _Sink:
    """Takes what xlsxwriter's ``_write_row`` writes (the ``<row>`` tag), so that a row
    goes to the file in one write: a text file opened for reading too resets its decoder
    on every write."""

    __slots__ = ("write",)


class RowXml:
    """Writes whole rows of a constant-memory worksheet (see the module).

    ``columns``: for each column from A, ``(kind, format, quoted)``. Kind "text": the
    value is written as text whatever it is (None: empty text); any other kind: None or
    ``""`` is a blank cell, a ``str`` text, anything else a number (``float``). Text that
    starts like a formula (``FORMULA_PREFIXES``) takes the ``quoted`` format (with Excel's
    quote prefix), as ``reports.export.put_text`` does.
    """

    def __init__(self, worksheet, columns):
        self.ws = worksheet
        self.plan = [(kind == "text", cell_format, quoted) for kind, cell_format, quoted in columns]
        # Each cell is ``<c r="`` + column + row number + its ending (style, value).
        self.heads = [f'<c r="{xl_col_to_name(column)}' for column in range(len(self.plan))]
        self.styles = {}
        self.strmax = worksheet.xls_strmax
        # (format, quoted format, text) or (format, number) -> the cell's ending
        self.known = {}
        self.sink = _Sink()

    def _style(self, cell_format, row, column):
        """The ``s`` attribute of a cell, as xlsxwriter's ``_write_cell`` writes it."""
        if cell_format is not None:
            style = self.styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
            return style
        row_info = self.ws.row_info.get(row)
        if row_info is not None and row_info.row_format:
            return f' s="{row_info.row_format._get_xf_index()}"'
        col_info = self.ws.col_info.get(column)
        if col_info is not None and col_info.column_format is not None:
            return f' s="{col_info.column_format._get_xf_index()}"'
        return ""

    def _ready(self, row, columns):
        ws = self.ws
        if row < ws.previous_row:
            return False  # already written
        if row == ws.previous_row and (ws.table.get(row) or row in ws.comments):
            return False  # cells already held for this row: let xlsxwriter merge them
        return row < ws.xls_rowmax and columns <= ws.xls_colmax

    def write(self, row, values, fills=None):
        """Write ``values`` in row ``row`` (0-based) from column A (values beyond the
        columns are ignored); ``fills``: {column: (format, quoted)} replacing a column's
        formats in this row.

        False, with nothing written, when the row must go cell by cell: already written or
        partly held by xlsxwriter, out of the sheet, a NaN or infinite number (xlsxwriter's
        own rules apply), or no cell at all.
        """
        ws, plan = self.ws, self.plan
        if len(values) > len(plan):
            values = values[:len(plan)]
        if not self._ready(row, len(values)):
            return False
        if row > ws.previous_row:
            # Flush the row xlsxwriter holds before any style index of this row is asked
            # for, as xlsxwriter does when the first cell of a new row is written.
            ws._write_single_row(row)
        number = str(row + 1)
        heads, styles, known = self.heads, self.styles, self.known
        half = self.strmax // 2
        parts = []
        append = parts.append
        first = last = None
        for column, value in enumerate(values):
            text, cell_format, quoted = plan[column]
            if fills and column in fills:
                cell_format, quoted = fills[column]
            # A cell seen before (by its formats and value) has the same ending: its style
            # index was assigned then. Text, and numbers outside text columns; not zero
            # but an int's (0.0 and -0.0 are equal keys but read "0" and "-0").
            kind = value.__class__
            if cell_format is not None and (
                    (kind is str and value) or (kind in _NUMBERS and not text
                                                and (value or kind is int))):
                key = (cell_format, quoted, value) if kind is str else (cell_format, value)
                try:
                    tail = known.get(key)
                except TypeError:  # a signalling NaN: float() below answers as xlsxwriter
                    tail = key = None
                if tail is not None:
                    if first is None:
                        first = column
                    last = column
                    append(heads[column] + number + tail)
                    continue
            else:
                key = None
            if value is None:
                if text:
                    value = ""
                elif cell_format is None:
                    continue  # a blank without a format: xlsxwriter writes no cell
            elif isinstance(value, str):
                if value:
                    if value.startswith(FORMULA_PREFIXES):
                        cell_format = quoted
                elif not text:
                    value = None  # "" outside a text column: a blank cell
                    if cell_format is None:
                        continue
            elif text:
                value = str(value)
                if value.startswith(FORMULA_PREFIXES):
                    cell_format = quoted
            style = styles.get(cell_format) if cell_format is not None else None
            if style is None:
                style = self._style(cell_format, row, column)
            if first is None:
                first = column
            last = column
            if value is None:
                tail = f'"{style}/>'
            elif isinstance(value, str):
                if len(value) <= half and not _plain_fails(value) and not (
                        value and (value[0].isspace() or value[-1].isspace())):
                    tail = f'"{style} t="inlineStr"><is><t>{value}</t></is></c>'
                else:
                    tail = _string_tail(style, value, self.strmax)
            else:
                value = float(value)
                if value - value != 0:
                    return False  # NaN or infinite
                tail = f'"{style}><v>{value:.16G}</v></c>'
            append(heads[column] + number + tail)
            if key is not None and cell_format is not None and len(known) < CACHED_CELLS:
                known[key] = tail
        if first is None:
            return False
        ws._check_dimensions(row, first)
        ws._check_dimensions(row, last)
        fh, sink = ws.fh, self.sink
        tag = []
        sink.write = tag.append
        ws.fh = sink
        try:
            ws._write_row(row, None, ws.row_info.get(row))
        finally:
            ws.fh = fh
        append("</row>")
        fh.write("".join(tag) + "".join(parts))
        ws.table.clear()
        ws.previous_row = row + 1
        return True


def _string_tail(style, text, strmax):
    """The ending of a text cell that needs some of xlsxwriter's care: long, control
    characters, XML characters, leading or trailing whitespace. A rich string's look is
    escaped too."""
    text = cut(text, strmax)
    if _CONTROL.search(text):
        text = _control_escaped(text)
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'"{style} t="inlineStr"><is><t{preserve}>{text}</t></is></c>'
