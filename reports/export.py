"""The quarterly meeting report as an Excel workbook, written from a built ``Dashboard``.

Sheets: summary (figures, targets, share done, narrative, a native bar chart),
criteria matrix, figures per commune, model residential areas and gardens, OCOP
products, completeness of the reports. Every figure is read from the dashboard (the
same computation as the page); nothing here queries figures a second way.

Number formats: ``[$-42A]#,##0`` (and ``[$-42A]#,##0.00`` for decimals). In a format
code ``,`` and ``.`` mean "thousands separator" and "decimal mark", shown with the
reader's separators: Vietnamese-locale Excel shows 4.054 and 12,50. The ``[$-42A]``
prefix tags the format as Vietnamese (LCID 0x042A), so LibreOffice renders 4.054 too,
whatever its own locale; an English-locale Excel ignores the tag and shows 4,054.

Text typed by users (comments, difficulties, proposals, product names) goes through
``put_text``: a value starting with ``=``, ``+``, ``-`` or ``@`` is stored as a plain
string with Excel's quote prefix, never as a formula.
"""

from copy import copy
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from communes.choices import NtmLevel
from criteria.aggregates import Figure
from criteria.models import IndicatorValue
from ntm_portal.formats import format_date

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER = "[$-42A]#,##0"
DECIMAL = "[$-42A]#,##0.00"
PERCENT = "[$-42A]0.0%"
FORMULA_PREFIXES = ("=", "+", "-", "@")

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9EAD3")
GROUP_FILL = PatternFill("solid", fgColor="EFEFEF")
MET_FILL = PatternFill("solid", fgColor="CFE8D5")
UNMET_FILL = PatternFill("solid", fgColor="F5C2C7")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
CENTERED = Alignment(horizontal="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def export_filename(dashboard):
    d = dashboard
    return f"bao-cao-{d.district.slug}-{d.period.year}-q{d.period.quarter}.xlsx"


def put_text(cell, value):
    """Write user-typed text as text: never a formula, whatever it starts with."""
    text = "" if value is None else str(value)
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = True
    return cell


def _number(cell, value, decimals=0, style=False):
    cell.value = float(value) if value is not None else None
    if value is not None and decimals == 0 and float(value).is_integer():
        cell.value = int(value)
    if style:
        cell.number_format = DECIMAL if decimals else INTEGER
        cell.border = BORDER
    return cell


class Sheet:
    """A worksheet with a title block, a bordered table and the print setup of the report."""

    def __init__(self, workbook, title, dashboard, heading, first=False):
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title
        self.d = dashboard
        self.row = 1
        self.ws.cell(1, 1, _("STEERING COMMITTEE OF THE NATIONAL TARGET PROGRAMMES, %(district)s "
                             "DISTRICT") % {"district": dashboard.district.name.upper()}).font = BOLD
        self.ws.cell(2, 1, heading).font = TITLE
        data = (_("Data: approved and submitted reports") if dashboard.include_submitted
                else _("Data: approved reports only"))
        note = _("%(data)s; drawn up on %(date)s.") % {
            "data": data, "date": format_date(timezone.localdate())}
        if dashboard.restricted:
            note += " " + _("Restricted to the communes the account may see.")
        self.ws.cell(3, 1, note).font = Font(italic=True, color="555555")
        self.row = 5
        ps = self.ws.page_setup
        ps.orientation = "landscape"
        ps.paperSize = self.ws.PAPERSIZE_A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.page_margins.left = self.ws.page_margins.right = 0.4

    def header(self, labels, widths=None, freeze_column=1):
        for column, label in enumerate(labels, start=1):
            cell = self.ws.cell(self.row, column, label)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = CENTER
        for column, width in enumerate(widths or [], start=1):
            self.ws.column_dimensions[get_column_letter(column)].width = width
        self.ws.freeze_panes = self.ws.cell(self.row + 1, freeze_column + 1)
        self.ws.print_title_rows = f"{self.row}:{self.row}"
        self.row += 1

    def styled(self, cell, number_format=None, bold=False, fill=None, align=None):
        """Apply a bordered style; each combination is built once per workbook, then copied.

        Assigning fonts, fills and borders one by one costs a style lookup per cell; at
        10,000 communes that was most of the export's time.
        """
        cache = self.ws.parent.__dict__.setdefault("_report_styles", {})
        key = (number_format, bold, id(fill) if fill else None, id(align) if align else None)
        style = cache.get(key)
        if style is None:
            cell.border = BORDER
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = BOLD
            if fill:
                cell.fill = fill
            if align:
                cell.alignment = align
            cache[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def cell(self, column, value=None, bold=False, fill=None, align=None, number_format=None):
        cell = self.ws.cell(self.row, column)
        if value is not None:
            cell.value = value
        return self.styled(cell, number_format, bold, fill, align)

    def text(self, column, value, **kwargs):
        cell = self.cell(column, **kwargs)
        put_text(cell, value)
        return cell

    def number(self, column, value, decimals=0, bold=False):
        cell = self.ws.cell(self.row, column)
        _number(cell, value, decimals)
        return self.styled(cell, DECIMAL if decimals else INTEGER, bold)

    def note(self, text):
        self.ws.cell(self.row, 1, text).font = Font(italic=True)
        self.row += 1


def workbook_bytes(dashboard):
    workbook = Workbook()
    _summary(workbook, dashboard)
    _criteria(workbook, dashboard)
    by_commune = dashboard.by_commune()
    _per_commune(workbook, dashboard, by_commune)
    _registries(workbook, dashboard, by_commune)
    _ocop(workbook, dashboard)
    _completeness(workbook, dashboard)
    workbook.properties.title = _("Meeting report %(period)s") % {"period": dashboard.period.label}
    workbook.properties.creator = _("NTM portal")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(workbook, d):
    heading = _("REPORT ON THE RESULTS OF %(period)s") % {"period": d.period.label.upper()}
    s = Sheet(workbook, _("Summary"), d, heading, first=True)
    s.header([_("No."), _("Indicator"), _("Unit"), _("This quarter"), _("Previous quarter"),
              _("Year to date"), _("Cumulative"), _("Target for the year"), _("Done")],
             [6, 52, 11, 12, 12, 12, 12, 13, 10], freeze_column=2)
    number = 0
    for programme, rows in d.programmes:
        s.text(1, "", fill=GROUP_FILL)
        s.text(2, programme, bold=True, fill=GROUP_FILL)
        for column in range(3, 10):
            s.cell(column, fill=GROUP_FILL)
        s.row += 1
        for row in rows:
            number += 1
            s.cell(1, number, align=CENTERED)
            s.text(2, row.indicator.name, align=WRAP)
            s.text(3, row.indicator.unit)
            figure = row.figure
            for column, value in enumerate(
                    (figure.quarter, figure.previous, figure.ytd, figure.cumulative), start=4):
                s.number(column, value, row.indicator.decimals)
            s.text(8, row.target.value_text if row.target else "",
                   align=RIGHT)
            s.cell(9, row.share / 100 if row.share is not None else None, number_format=PERCENT)
            s.row += 1

    # The year's targets, with what is done: the chart's data.
    s.row += 1
    s.ws.cell(s.row, 2, _("Targets for %(year)s") % {"year": d.period.year}).font = BOLD
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
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = _("Share of the year's targets done")
        chart.add_data(Reference(s.ws, min_col=5, min_row=first, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(s.ws, min_col=2, min_row=first + 1, max_row=last))
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.legend = None
        chart.height = 8
        chart.width = 24
        s.ws.add_chart(chart, f"B{s.row + 1}")
        s.row += 18

    s.ws.cell(s.row, 2, _("The quarter in words")).font = BOLD
    s.row += 1
    for paragraph in d.narrative:
        s.ws.merge_cells(start_row=s.row, start_column=2, end_row=s.row, end_column=9)
        cell = s.ws.cell(s.row, 2)
        put_text(cell, paragraph)
        cell.alignment = WRAP
        # Merged cells do not grow by themselves: about 130 characters a line.
        s.ws.row_dimensions[s.row].height = 15 * (len(paragraph) // 130 + 1)
        s.row += 1


def _criteria(workbook, d):
    heading = _("CRITERIA MET BY COMMUNE, %(period)s") % {"period": d.period.label.upper()}
    s = Sheet(workbook, _("Criteria"), d, heading)
    labels = [_("No."), _("Commune"), _("NTM level")] + [str(c.number) for c in d.criteria] + [
        _("Met"), _("Sponsoring unit"), _("Criteria not met")]
    widths = [6, 18, 16] + [4.5] * len(d.criteria) + [8, 30, 50]
    s.header(labels, widths, freeze_column=2)
    for number, row in enumerate(d.rows, start=1):
        s.cell(1, number)
        s.text(2, row.commune.name)
        s.text(3, NtmLevel(row.level).label)
        for column, (_criterion, met) in enumerate(row.cells, start=4):
            if met is None:
                s.cell(column, "", align=CENTER)
            else:
                s.cell(column, "✓" if met else "✗", fill=MET_FILL if met else UNMET_FILL,
                       align=CENTER)
        column = 4 + len(row.cells)
        s.text(column, row.met_text, bold=True, align=CENTER)
        s.text(column + 1, row.sponsor, align=WRAP)
        unmet = "; ".join(f"{c.number}. {c.name}" for c in row.unmet)
        s.text(column + 2, unmet, align=WRAP)
        if len(unmet) > 55 or len(row.sponsor) > 32:
            # Wrapped cells do not grow by themselves in every reader: about 55 characters a line.
            s.ws.row_dimensions[s.row].height = 15 * (max(len(unmet) // 55, len(row.sponsor) // 32) + 1)
        s.row += 1
    s.row += 1
    s.note(_("Criteria:"))
    for criterion in d.criteria:
        s.ws.cell(s.row, 2, f"{criterion.number}. {criterion.name}")
        s.row += 1


def _per_commune(workbook, d, by_commune):
    heading = _("FIGURES OF %(period)s BY COMMUNE") % {"period": d.period.label.upper()}
    s = Sheet(workbook, _("By commune"), d, heading)
    indicators = d.indicators
    s.header([_("No."), _("Commune")] + [f"{i.name} ({i.unit})" for i in indicators],
             [6, 18] + [13] * len(indicators), freeze_column=2)
    s.ws.row_dimensions[s.row - 1].height = 90
    for number, row in enumerate(d.alphabetical, start=1):
        figures = by_commune.get(row.commune.pk, {})
        s.cell(1, number)
        s.text(2, row.commune.name)
        for column, indicator in enumerate(indicators, start=3):
            s.number(column, figures.get(indicator.code, Figure()).quarter, indicator.decimals)
        s.row += 1
    s.text(2, _("Total"), bold=True)
    s.cell(1)
    for column, indicator in enumerate(indicators, start=3):
        s.number(column, d.figures.get(indicator.code, Figure()).quarter, indicator.decimals,
                 bold=True)
    s.row += 2
    s.note(_("Quarter values; OCOP figures are counted for the district only."))
    _comments(s, d)


def _comments(s, d):
    """Communes' comments on their figures (typed text: written as text)."""
    comments = (IndicatorValue.objects.filter(submission__period=d.period,
                                              submission__commune__in=d.communes,
                                              submission__status__in=d.statuses)
                .exclude(comment="")
                .values_list("submission__commune__name", "indicator__name_vi", "comment")
                .order_by("submission__commune__name", "indicator__position"))
    rows = list(comments)
    if not rows:
        return
    s.ws.cell(s.row, 2, _("Communes' comments on their figures")).font = BOLD
    s.row += 1
    for commune, indicator, comment in rows:
        s.text(2, commune)
        s.text(3, indicator)
        s.text(4, comment)
        s.row += 1


REGISTRY_CODES = ["ntm-model-areas-building", "ntm-model-areas-new", "ntm-model-areas-total",
                  "ntm-model-gardens-new"]


def _registries(workbook, d, by_commune):
    heading = _("MODEL RESIDENTIAL AREAS AND MODEL GARDENS, %(period)s") % {
        "period": d.period.label.upper()}
    s = Sheet(workbook, _("Model areas, gardens"), d, heading)
    s.header([_("No."), _("Commune"), _("Model areas being built"),
              _("Model areas recognised in the quarter"), _("Model areas recognised (cumulative)"),
              _("Model gardens recognised in the quarter"),
              _("Model gardens recognised since the start of the year")],
             [6, 18, 16, 18, 18, 18, 20], freeze_column=2)
    s.ws.row_dimensions[s.row - 1].height = 45

    def values(figures):
        get = lambda code: figures.get(code, Figure())  # noqa: E731
        return [get(REGISTRY_CODES[0]).quarter, get(REGISTRY_CODES[1]).quarter,
                get(REGISTRY_CODES[2]).quarter, get(REGISTRY_CODES[3]).quarter,
                get(REGISTRY_CODES[3]).ytd]

    for number, row in enumerate(d.alphabetical, start=1):
        s.cell(1, number)
        s.text(2, row.commune.name)
        for column, value in enumerate(values(by_commune.get(row.commune.pk, {})), start=3):
            s.number(column, value or 0)
        s.row += 1
    s.cell(1)
    s.text(2, _("Total"), bold=True)
    for column, value in enumerate(values(d.figures), start=3):
        s.number(column, value or 0, bold=True)
    s.row += 1


def _ocop(workbook, d):
    heading = _("OCOP PRODUCTS, %(year)s") % {"year": d.period.year}
    s = Sheet(workbook, _("OCOP"), d, heading)
    ocop = d.ocop
    s.header([_("Stars"), _("Products with a valid certificate"),
              _("Candidates of the year, by the stars aimed for")], [12, 30, 34])
    s.ws.row_dimensions[s.row - 1].height = 45
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
    s.ws.merge_cells(start_row=s.row, start_column=1, end_row=s.row, end_column=2)
    s.ws.cell(s.row, 1, _("Products certified at 3 stars or more in %(year)s") % {
        "year": d.period.year})
    _number(s.ws.cell(s.row, 3), ocop.certified, style=True)
    s.row += 1
    if target is not None:
        s.ws.cell(s.row, 1, _("Target for the year"))
        s.ws.cell(s.row, 3, target.value_text).alignment = Alignment(horizontal="right")


def _completeness(workbook, d):
    heading = _("REPORTS OF %(period)s HANDED IN BY THE COMMUNES") % {
        "period": d.period.label.upper()}
    s = Sheet(workbook, _("Completeness"), d, heading)
    s.header([_("No."), _("Commune"), _("Status"), _("Handed in"), _("On time"),
              _("Difficulties and obstacles"), _("Proposals"), _("Review comment")],
             [6, 18, 20, 13, 16, 40, 40, 36], freeze_column=2)
    labels = {"on_time": _("on time"), "late": _("late"), "missing": _("missing")}
    for number, row in enumerate(d.completeness, start=1):
        submission = row.submission
        s.cell(1, number)
        s.text(2, row.commune.name)
        s.text(3, row.status_label)
        submitted = submission.submitted_at if submission else None
        s.text(4, format_date(timezone.localtime(submitted)) if submitted else "")
        label = labels[row.category]
        if row.category == "missing" and row.overdue:
            label = _("missing, overdue")
        s.text(5, label, fill=UNMET_FILL if row.category != "on_time" else None)
        s.text(6, submission.difficulties if submission else "", align=WRAP)
        s.text(7, submission.proposals if submission else "", align=WRAP)
        s.text(8, submission.review_comment if submission else "", align=WRAP)
        s.row += 1
    counts = d.completeness_counts
    s.row += 1
    for key, label in (("approved", _("Approved")), ("on_time", _("On time")),
                       ("late", _("Late")), ("missing", _("Missing (not started, draft or returned)"))):
        s.ws.merge_cells(start_row=s.row, start_column=2, end_row=s.row, end_column=4)
        s.ws.cell(s.row, 2, label)
        _number(s.ws.cell(s.row, 5), counts[key], style=True)
        s.row += 1
