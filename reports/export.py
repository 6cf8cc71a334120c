"""The quarterly meeting report as an Excel workbook, written from a built ``Dashboard``.

Sheets: summary (figures, targets, share done, narrative, a native bar chart),
criteria matrix, figures per commune, model residential areas and gardens, OCOP
products, completeness of the reports. Every figure is read from the dashboard (the
same computation as the page); nothing here queries figures a second way.

The workbook is written by xlsxwriter in constant-memory mode: each row goes to a
temporary file as soon as the next one starts, so memory does not grow with the
number of communes, and the view streams the finished file (``workbook_file``).
Rows are therefore written strictly top to bottom.

Number formats: ``[$-42A]#,##0`` (and ``[$-42A]#,##0.00`` for decimals). In a format
code ``,`` and ``.`` mean "thousands separator" and "decimal mark", shown with the
reader's separators: Vietnamese-locale Excel shows 4.054 and 12,50. The ``[$-42A]``
prefix tags the format as Vietnamese (LCID 0x042A), so LibreOffice renders 4.054 too,
whatever its own locale; an English-locale Excel ignores the tag and shows 4,054.

Text typed by users (comments, difficulties, proposals, product names) goes through
``put_text``, the one place where text is written: always as a string (never a
formula), with Excel's quote prefix when it starts with ``=``, ``+``, ``-`` or ``@``.
"""

import tempfile

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import NtmLevel
from communes.context import unit_heading
from criteria.aggregates import Figure
from criteria.models import IndicatorValue
from ntm_portal import child
from ntm_portal.formats import format_date
from ntm_portal.workbook import FORMULA_PREFIXES, looks_like_formula
from reports.narrative import partial_history_note
from reports.xlsxrows import RowXml, cut, looks_rich, supported

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER = "[$-42A]#,##0"
DECIMAL = "[$-42A]#,##0.00"
PERCENT = "[$-42A]0.0%"

# Cell styles as xlsxwriter format properties; combined with ``|``.
BORDER = {"border": 1, "border_color": "#808080"}
BOLD = {"bold": True}
TITLE = {"bold": True, "font_size": 14}
ITALIC = {"italic": True}
NOTE = {"italic": True, "font_color": "#555555"}
HEADER_FILL = {"bg_color": "#D9EAD3", "pattern": 1}
GROUP_FILL = {"bg_color": "#EFEFEF", "pattern": 1}
MET_FILL = {"bg_color": "#CFE8D5", "pattern": 1}
UNMET_FILL = {"bg_color": "#F5C2C7", "pattern": 1}
WRAP = {"text_wrap": True, "valign": "top"}
RIGHT = {"align": "right"}
CENTERED = {"align": "center"}
CENTER = {"align": "center", "valign": "vcenter", "text_wrap": True}
# The chart's size in pixels (24 × 8 cm).
CHART_SIZE = {"width": 907, "height": 302}
A4 = 9


def export_filename(district, span):
    return f"bao-cao-{district.slug}-{span.year}-{span.slug}.xlsx"


class Formats:
    """Each combination of style properties becomes one xlsxwriter format, once.

    Styles are the module's constant dicts (never built per cell), so a combination is
    recognised by their identities: no per-cell merging of properties, which cost
    seconds over the half a million cells of 10,000 communes.
    """

    def __init__(self, workbook):
        self.workbook = workbook
        self.by_ids = {}
        self.by_props = {}

    def __call__(self, *styles):
        key = tuple(id(style) for style in styles if style)
        try:
            return self.by_ids[key]
        except KeyError:
            pass
        props = {}
        for style in styles:
            if style:
                props.update(style)
        signature = tuple(sorted(props.items()))
        if signature not in self.by_props:
            self.by_props[signature] = self.workbook.add_format(props) if props else None
        self.by_ids[key] = self.by_props[signature]
        return self.by_ids[key]


NUMBER_FORMATS = {INTEGER: {"num_format": INTEGER}, DECIMAL: {"num_format": DECIMAL},
                  PERCENT: {"num_format": PERCENT}}
QUOTED = {"quote_prefix": True}


def put_text(worksheet, row, column, value, formats, *styles):
    """Write text (0-based ``row``, ``column``) as text: never a formula, whatever it starts with.

    The one place where the workbook writes text, typed by users or not.
    """
    text = "" if value is None else str(value)
    if looks_like_formula(text):
        styles = styles + (QUOTED,)
    write_text(worksheet, row, column, text, formats(*styles))


def write_text(worksheet, row, column, text, cell_format):
    """``worksheet.write_string``, except for a text that looks like ``<r>…</r>``.

    xlsxwriter writes such a text into the sheet as it is, taking it for a rich string's
    XML: a comment typed that way would corrupt the workbook. It is written instead as a
    rich string of two runs in the cell's own font, which reads back as the same text.
    """
    text = cut(text, worksheet.xls_strmax)
    if looks_rich(text):
        worksheet.write_rich_string(row, column, cell_format, text[:1], cell_format, text[1:],
                                    cell_format)
    else:
        worksheet.write_string(row, column, text, cell_format)


class Sheet:
    """A worksheet with a title block, a bordered table and the print setup of the report.

    Columns are counted from 1 and ``row`` from 1, as in Excel; rows are written in order.
    """

    def __init__(self, workbook, formats, title, dashboard, heading):
        self.ws = workbook.add_worksheet(title)
        self.workbook, self.formats, self.d = workbook, formats, dashboard
        self.row = 1
        self.put(1, 1, _("STEERING COMMITTEE OF THE NATIONAL TARGET PROGRAMMES, %(unit)s")
                 % {"unit": unit_heading(dashboard.district)}, BOLD)
        self.put(2, 1, heading, TITLE)
        data = (_("Data: approved and submitted reports") if dashboard.include_submitted
                else _("Data: approved reports only"))
        note = _("%(data)s; drawn up on %(date)s.") % {
            "data": data, "date": format_date(timezone.localdate())}
        if dashboard.restricted:
            note += " " + _("Restricted to the communes the account may see.")
        partial = partial_history_note(dashboard)
        if partial:
            note += " " + partial
        self.put(3, 1, note, NOTE)
        self.row = 5
        self.ws.set_landscape()
        self.ws.set_paper(A4)
        self.ws.fit_to_pages(1, 0)
        self.ws.center_horizontally()
        self.ws.set_margins(left=0.4, right=0.4)

    def put(self, row, column, text, *styles):
        put_text(self.ws, row - 1, column - 1, text, self.formats, *styles)

    def height(self, height):
        """The current row's height in points (set before its cells are written)."""
        self.ws.set_row(self.row - 1, height)

    def header(self, labels, widths=None, freeze_column=1, height=None):
        for column, width in enumerate(widths or [], start=1):
            self.ws.set_column(column - 1, column - 1, width)
        if height:
            self.height(height)
        for column, label in enumerate(labels, start=1):
            self.put(self.row, column, label, BOLD, HEADER_FILL, BORDER, CENTER)
        self.ws.freeze_panes(self.row, freeze_column)
        self.ws.repeat_rows(self.row - 1)
        self.row += 1

    def cell(self, column, value=None, bold=False, fill=None, align=None, number_format=None):
        style = self.formats(BORDER, BOLD if bold else None, fill, align,
                             NUMBER_FORMATS[number_format] if number_format else None)
        if value is None or value == "":
            self.ws.write_blank(self.row - 1, column - 1, None, style)
        elif isinstance(value, str):
            put_text(self.ws, self.row - 1, column - 1, value, self.formats,
                     BORDER, BOLD if bold else None, fill, align)
        else:
            self.ws.write_number(self.row - 1, column - 1, value, style)

    def text(self, column, value, bold=False, fill=None, align=None):
        self.put(self.row, column, value, BORDER, BOLD if bold else None, fill, align)

    def number(self, column, value, decimals=0, bold=False, row=None, border=True):
        style = self.formats(BORDER if border else None, BOLD if bold else None,
                             NUMBER_FORMATS[DECIMAL if decimals else INTEGER])
        row = (row or self.row) - 1
        if value is None:
            self.ws.write_blank(row, column - 1, None, style)
            return
        value = float(value)
        if decimals == 0 and value.is_integer():
            value = int(value)
        self.ws.write_number(row, column - 1, value, style)

    def columns(self, *columns):
        """A writer of table rows, for the sheets with a row per commune.

        ``columns`` gives, for each column from the first, its kind ("number", "text" or
        "integer" / "decimal" for figures) and its styles. Formats are worked out here
        once, not for each of the hundreds of thousands of cells of a large district;
        the cells are the same as ``cell``, ``text`` and ``number`` write.
        """
        return RowWriter(self, columns)

    def merged(self, first_column, last_column, text, *styles):
        """A text spread over columns of the current row."""
        style = self.formats(*styles)
        self.ws.merge_range(self.row - 1, first_column - 1, self.row - 1, last_column - 1, "", style)
        self.put(self.row, first_column, text, *styles)

    def note(self, text):
        self.put(self.row, 1, text, ITALIC)
        self.row += 1


class RowWriter:
    """Writes a row of values with each column's format (see ``Sheet.columns``).

    Where the installed xlsxwriter allows it (``reports.xlsxrows.supported``), each row
    goes to the sheet as one piece of XML (``RowXml``: the XML xlsxwriter itself would
    write for those cells); otherwise, and for a row it cannot take, cell by cell.
    """

    def __init__(self, sheet, columns):
        self.sheet = sheet
        formats = sheet.formats
        self.plan = []
        for kind, *styles in columns:
            if kind in ("integer", "decimal"):
                number_format = NUMBER_FORMATS[INTEGER if kind == "integer" else DECIMAL]
                styles = (*styles, number_format)
            self.plan.append((kind, formats(BORDER, *styles), formats(BORDER, *styles, QUOTED)))
        self.xml = RowXml(sheet.ws, self.plan) if supported(sheet.ws) else None

    def write(self, values, fills=None):
        """Write ``values`` in the sheet's current row, from column A, and move down.

        ``fills``: {column index from 0: (format, quoted format)} replacing a column's
        format in this row (a cell's colour).
        """
        row = self.sheet.row - 1
        if self.xml is None or not self.xml.write(row, values, fills):
            self._write_cells(row, values, fills)
        self.sheet.row += 1

    def _write_cells(self, row, values, fills):
        ws = self.sheet.ws
        write_number, write_blank = ws.write_number, ws.write_blank

        def write_string(row, column, text, cell_format):
            write_text(ws, row, column, text, cell_format)

        for column, ((kind, style, quoted), value) in enumerate(zip(self.plan, values)):
            if fills and column in fills:
                style, quoted = fills[column]
            if kind == "text":
                text = "" if value is None else str(value)
                if text and text.startswith(FORMULA_PREFIXES):
                    write_string(row, column, text, quoted)
                else:
                    write_string(row, column, text, style)
            elif value is None or value == "":
                write_blank(row, column, None, style)
            elif isinstance(value, str):
                write_string(row, column, value, quoted if looks_like_formula(value) else style)
            else:
                write_number(row, column, float(value), style)


def write_workbook(dashboard, output):
    """Write the report into ``output`` (a path or a binary file object)."""
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    formats = Formats(workbook)
    by_commune = dashboard.by_commune(commune_columns(dashboard))
    for write in (_summary, _criteria):
        write(workbook, formats, dashboard)
    for write in (_per_commune, _registries):
        write(workbook, formats, dashboard, by_commune)
    for write in (_ocop, _completeness):
        write(workbook, formats, dashboard)
    workbook.set_properties({
        "title": _("Meeting report %(period)s") % {"period": dashboard.span.label},
        "author": _("NTM portal")})
    workbook.close()


def workbook_file(dashboard):
    """The report in an unnamed temporary file, at its start (the view streams it).

    ``dashboard`` is a function giving the dashboard. It is called, and the workbook
    written, in a short-lived child process where possible (``ntm_portal.child``): what
    a district of 10,000 communes allocates leaves with it, the worker keeps its size.
    """
    output = tempfile.TemporaryFile()

    def write():
        write_workbook(dashboard(), output)
        output.flush()

    try:
        child.run(write)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def workbook_bytes(dashboard):
    """The report of a built ``dashboard`` as bytes."""
    with workbook_file(lambda: dashboard) as output:
        return output.read()


def _summary(workbook, formats, d):
    heading = _("REPORT ON THE RESULTS OF %(period)s") % {"period": d.span.label.upper()}
    s = Sheet(workbook, formats, _("Summary"), d, heading)
    # The span's own column, then (after the target) the same span of the year before
    # and the change: "–" where either side is unknown, never 0.
    this = _("This quarter") if d.span.is_quarter else d.span.title
    # Partial history (see the note in row 3) marks the columns it affects, as the page
    # does.
    marked = d.partial_label
    s.header([_("No."), _("Indicator"), _("Unit"), marked(this, "quarter"),
              marked(_("Previous quarter"), "previous"), marked(_("Year to date"), "ytd"),
              marked(_("Cumulative"), "cumulative"), _("Target for the year"), _("Done"),
              marked(_("Same period last year"), "year_ago"),
              marked(_("Change on last year"), "quarter", "year_ago"),
              marked(_("Change in percent"), "quarter", "year_ago")],
             [6, 52, 11, 12, 12, 12, 12, 13, 10, 13, 11, 10], freeze_column=2)
    number = 0
    for programme, rows in d.programmes:
        s.text(1, "", fill=GROUP_FILL)
        s.text(2, programme, bold=True, fill=GROUP_FILL)
        for column in range(3, 13):
            s.cell(column, fill=GROUP_FILL)
        s.row += 1
        for row in rows:
            number += 1
            s.cell(1, number, align=CENTERED)
            parts = f" ({row.parts_text})" if row.parts_text else ""  # a ratio's parts
            s.text(2, row.indicator.name + parts, align=WRAP)
            s.text(3, row.indicator.unit)
            figure = row.figure
            for column, value in enumerate(
                    (figure.quarter, figure.previous, figure.ytd, figure.cumulative), start=4):
                s.number(column, value, row.indicator.decimals)
            s.text(8, row.target.value_text if row.target else "", align=RIGHT)
            s.cell(9, row.share / 100 if row.share is not None else None, number_format=PERCENT)
            _year_on_year(s, figure, row.indicator.decimals)
            s.row += 1
    if d.levels_note:  # why the counts of communes by level show no change
        s.note(d.levels_note)

    # The year's targets, with what is done: the chart's data.
    s.row += 1
    s.put(s.row, 2, _("Targets for %(year)s") % {"year": d.period.year}, BOLD)
    s.row += 1
    first = s.row
    labels = (_("Indicator"), _("Done"), _("Target for the year"), _("Share of the target done"))
    for column, label in enumerate(labels, start=2):
        s.cell(column, label, bold=True, fill=HEADER_FILL, align=CENTER)
    s.row += 1
    for row in d.target_rows:
        done = row.done
        s.text(2, row.indicator.name, align=WRAP)
        s.number(3, done)
        s.text(4, row.target.value_text, align=RIGHT)
        s.cell(5, row.share / 100 if row.share is not None else None, number_format=PERCENT)
        s.row += 1
    last = s.row - 1
    if last > first:
        chart = workbook.add_chart({"type": "bar"})
        chart.set_style(10)
        sheet = s.ws.get_name()
        chart.add_series({
            "name": [sheet, first - 1, 4],
            "categories": [sheet, first, 1, last - 1, 1],
            "values": [sheet, first, 4, last - 1, 4],
        })
        chart.set_title({"name": _("Share of the year's targets done")})
        chart.set_x_axis({"num_format": "0%", "min": 0})  # a bar chart's value axis
        chart.set_legend({"none": True})
        chart.set_chartarea({"border": {"color": "#808080"}})
        chart.set_size(CHART_SIZE)
        s.ws.insert_chart(s.row, 1, chart)
        s.row += 18

    s.put(s.row, 2, _("%(period)s in words") % {"period": d.span.title}, BOLD)
    s.row += 1
    for paragraph in d.narrative:
        # Merged cells do not grow by themselves: about 130 characters a line.
        s.height(15 * (len(paragraph) // 130 + 1))
        s.merged(2, 9, paragraph, WRAP)
        s.row += 1


def _year_on_year(s, figure, decimals):
    """Columns 10–12 of a summary row: the same span a year before, the change, the change
    in percent; "–" where either side is unknown."""
    if figure.year_ago is None:
        s.text(10, "–", align=RIGHT)
    else:
        s.number(10, figure.year_ago, decimals)
    if figure.change is None:
        s.text(11, "–", align=RIGHT)
    else:
        s.number(11, figure.change, decimals)
    percent = figure.change_percent
    if percent is None:
        s.text(12, "–", align=RIGHT)
    else:
        s.cell(12, float(percent) / 100, number_format=PERCENT)


def _criteria(workbook, formats, d):
    heading = _("CRITERIA MET BY COMMUNE, %(period)s") % {"period": d.span.label.upper()}
    s = Sheet(workbook, formats, _("Criteria"), d, heading)
    labels = [_("No."), _("Commune"), _("NTM level")] + [str(c.number) for c in d.criteria] + [
        _("Met"), _("Sponsoring unit"), _("Criteria not met")]
    widths = [6, 18, 16] + [4.5] * len(d.criteria) + [8, 30, 50]
    s.header(labels, widths, freeze_column=2)
    writer = s.columns(("number",), ("text",), ("text",),
                       *[("any", CENTER)] * len(d.criteria),
                       ("text", BOLD, CENTER), ("text", WRAP), ("text", WRAP))
    met_fill = (formats(BORDER, MET_FILL, CENTER), formats(BORDER, MET_FILL, CENTER, QUOTED))
    unmet_fill = (formats(BORDER, UNMET_FILL, CENTER),
                  formats(BORDER, UNMET_FILL, CENTER, QUOTED))
    titles = [f"{c.number}. {c.name}" for c in d.criteria]
    levels = {level: str(level.label) for level in NtmLevel}
    # A criterion's cell by its mark (``CommuneRow.marks``): met, not met, not assessed.
    texts = {True: "✓", False: "✗", None: ""}
    fill_of = {True: met_fill, False: unmet_fill}
    for number, row in enumerate(d.rows, start=1):
        marks = row.marks()  # ``row.cells`` and ``row.unmet`` at once
        unmet = "; ".join([title for title, met in zip(titles, marks) if met is False])
        if len(unmet) > 55 or len(row.sponsor) > 32:
            # Wrapped cells do not grow by themselves in every reader: about 55 characters a line.
            s.height(15 * (max(len(unmet) // 55, len(row.sponsor) // 32) + 1))
        fills = {column: fill_of[met] for column, met in enumerate(marks, start=3)
                 if met is not None}
        writer.write([number, row.commune.name, levels[NtmLevel(row.level)],
                      *[texts[met] for met in marks], row.met_text, row.sponsor, unmet], fills)
    s.row += 1
    s.note(_("Criteria:"))
    for criterion in d.criteria:
        s.put(s.row, 2, f"{criterion.number}. {criterion.name}")
        s.row += 1


REGISTRY_CODES = ["ntm-model-areas-building", "ntm-model-areas-new", "ntm-model-areas-total",
                  "ntm-model-gardens-new"]
# The registries sheet's columns after the commune: quarters, then the gardens' year to date.
REGISTRY_COLUMNS = [(code, "quarter") for code in REGISTRY_CODES] + [(REGISTRY_CODES[3], "ytd")]


def commune_columns(d):
    """What the sheets per commune read of each commune (``Dashboard.by_commune``): every
    indicator's value for the span, in the dashboard's order, then ``REGISTRY_COLUMNS``."""
    return [(indicator.code, "quarter") for indicator in d.indicators] + REGISTRY_COLUMNS


def _per_commune(workbook, formats, d, by_commune):
    heading = _("FIGURES OF %(period)s BY COMMUNE") % {"period": d.span.label.upper()}
    s = Sheet(workbook, formats, _("By commune"), d, heading)
    indicators = d.indicators
    s.header([_("No."), _("Commune")] + [f"{i.name} ({i.unit})" for i in indicators],
             [6, 18] + [13] * len(indicators), freeze_column=2, height=90)
    writer = s.columns(("number",), ("text",),
                       *[("decimal" if i.decimals else "integer",) for i in indicators])
    count = len(indicators)
    unknown = [None] * count
    for number, row in enumerate(d.alphabetical, start=1):
        values = by_commune.get(row.commune.pk)
        writer.write([number, row.commune.name, *(values[:count] if values else unknown)])
    s.cell(1)
    s.text(2, _("Total"), bold=True)
    for column, indicator in enumerate(indicators, start=3):
        s.number(column, d.figures.get(indicator.code, Figure()).quarter, indicator.decimals,
                 bold=True)
    s.row += 2
    s.note(_("Quarter values; OCOP figures are counted for the district only."))
    _comments(s, d)


def _comments(s, d):
    """Communes' comments on their figures (typed text: written as text), read as rows."""
    comments = (IndicatorValue.objects.filter(submission__period=d.period,
                                              submission__commune__in=d.communes,
                                              submission__status__in=d.statuses)
                .exclude(comment="")
                .values_list("submission__commune__name", "indicator__name_vi", "comment")
                .order_by("submission__commune__name", "indicator__position"))
    first = True
    for commune, indicator, comment in comments.iterator(chunk_size=2000):
        if first:
            s.put(s.row, 2, _("Communes' comments on their figures"), BOLD)
            s.row += 1
            first = False
        s.text(2, commune)
        s.text(3, indicator)
        s.text(4, comment)
        s.row += 1


def _registries(workbook, formats, d, by_commune):
    heading = _("MODEL RESIDENTIAL AREAS AND MODEL GARDENS, %(period)s") % {
        "period": d.span.label.upper()}
    s = Sheet(workbook, formats, _("Model areas, gardens"), d, heading)
    s.header([_("No."), _("Commune"), _("Model areas being built"),
              _("Model areas recognised in the quarter"), _("Model areas recognised (cumulative)"),
              _("Model gardens recognised in the quarter"),
              _("Model gardens recognised since the start of the year")],
             [6, 18, 16, 18, 18, 18, 20], freeze_column=2, height=45)

    writer = s.columns(("number",), ("text",), *[("integer",)] * len(REGISTRY_COLUMNS))
    first = len(d.indicators)  # the registries' columns follow the indicators'
    zeros = [0] * len(REGISTRY_COLUMNS)
    for number, row in enumerate(d.alphabetical, start=1):
        values = by_commune.get(row.commune.pk)
        writer.write([number, row.commune.name,
                      *([value or 0 for value in values[first:]] if values else zeros)])
    s.cell(1)
    s.text(2, _("Total"), bold=True)
    for column, (code, name) in enumerate(REGISTRY_COLUMNS, start=3):
        s.number(column, getattr(d.figures.get(code, Figure()), name) or 0, bold=True)
    s.row += 1


def _ocop(workbook, formats, d):
    heading = _("OCOP PRODUCTS, %(year)s") % {"year": d.period.year}
    s = Sheet(workbook, formats, _("OCOP"), d, heading)
    ocop = d.ocop
    s.header([_("Stars"), _("Products with a valid certificate"),
              _("Candidates of the year, by the stars aimed for")], [12, 30, 34], height=45)
    stars = sorted(set(ocop.products_by_star) | set(ocop.candidates_by_star))
    for star in stars:
        s.text(1, _("%(stars)s stars") % {"stars": star})
        s.number(2, ocop.products_by_star.get(star, 0))
        s.number(3, ocop.candidates_by_star.get(star, 0))
        s.row += 1
    s.text(1, _("Total"), bold=True)
    s.number(2, ocop.products, bold=True)
    s.number(3, ocop.candidates, bold=True)
    s.row += 2
    target = d.ocop_target
    s.merged(1, 2, _("Products certified at 3 stars or more in %(year)s") % {
        "year": d.period.year})
    s.number(3, ocop.certified)
    s.row += 1
    if target is not None:
        s.put(s.row, 1, _("Target for the year"))
        s.put(s.row, 3, target.value_text, RIGHT)


def _completeness(workbook, formats, d):
    heading = _("REPORTS OF %(period)s HANDED IN BY THE COMMUNES") % {
        "period": d.period.label.upper()}
    s = Sheet(workbook, formats, _("Completeness"), d, heading)
    s.header([_("No."), _("Commune"), _("Status"), _("Handed in"), _("On time"),
              _("Difficulties and obstacles"), _("Proposals"), _("Review comment")],
             [6, 18, 20, 13, 16, 40, 40, 36], freeze_column=2)
    labels = {"on_time": _("on time"), "late": _("late"), "missing": _("missing")}
    overdue = _("missing, overdue")
    writer = s.columns(("number",), ("text",), ("text",), ("text",), ("text",),
                       ("text", WRAP), ("text", WRAP), ("text", WRAP))
    unmet_fill = {4: (formats(BORDER, UNMET_FILL), formats(BORDER, UNMET_FILL, QUOTED))}
    statuses = {}
    for number, row in enumerate(d.completeness, start=1):
        submission = row.submission
        status = submission.status if submission else None
        if status not in statuses:
            statuses[status] = str(row.status_label)
        submitted = submission.submitted_at if submission else None
        label = labels[row.category]
        if row.category == "missing" and row.overdue:
            label = overdue
        writer.write([
            number, row.commune.name, statuses[status],
            format_date(timezone.localtime(submitted)) if submitted else "", label,
            submission.difficulties if submission else "",
            submission.proposals if submission else "",
            submission.review_comment if submission else "",
        ], unmet_fill if row.category != "on_time" else None)
    counts = d.completeness_counts
    s.row += 1
    for key, label in (("approved", _("Approved")), ("on_time", _("On time")),
                       ("late", _("Late")), ("missing", _("Missing (not started, draft or returned)"))):
        s.merged(2, 4, label)
        s.number(5, counts[key])
        s.row += 1
