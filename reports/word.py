"""The meeting report as a Word document, laid out as an administrative document
(Decree 30/2020/NĐ-CP): the issuing body and the national title and motto side by
side, the number and symbol left for the office to fill in, place and date, the
title, the body, then the recipients and the signature block. Times New Roman.

Every number comes from the dashboard (``reports.dashboard``), formatted by
``format_number``: the narrative, the table of results against targets, the table
of every figure, the communes short of the standard with their sponsor and what
remains (``reports.plan_panels``), and the open tasks as "the main tasks of the
next quarter".
"""

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from communes.context import unit_heading, unit_label
from ntm_portal import quarters
from ntm_portal.formats import format_date, format_number, quarter_label

from .narrative import partial_history_note

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


def _place(unit):
    """Where the report is signed: the district's name, or the province's after the reform."""
    return unit.province.name if unit.is_province_level else unit.name


def docx_filename(dashboard):
    d = dashboard
    return f"bao-cao-{d.district.slug}-{d.span.year}-{d.span.slug}.docx"


def _font(run, size=14, bold=False, italic=False, underline=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    # East Asian and complex scripts fall back to other fonts unless named too.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs", "w:hAnsi", "w:ascii"):
        fonts.set(qn(attribute), FONT)
    return run


def _paragraph(container, text="", size=14, bold=False, italic=False, align=None,
               indent=False, space_after=6, underline=False):
    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1)
    return paragraph


def _cell_text(cell, text, size=12, bold=False, italic=False, align=None):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    _font(paragraph.add_run(text), size, bold, italic)
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _rule(paragraph):
    """A short line under a heading (the line under the motto and the issuing body)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _widths(table, widths):
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def _short_rule(container, width_cm, column_cm):
    """A centred line ``width_cm`` long under a heading, in a column ``column_cm`` wide."""
    paragraph = container.add_paragraph()
    side = max(0, (column_cm - width_cm) / 2)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.line_spacing = Pt(2)
    _rule(paragraph)
    return paragraph


def _heading_block(document, d):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    c = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(left, _("PEOPLE'S COMMITTEE OF %(unit)s")
               % {"unit": unit_heading(d.district)}, 13, align=c)
    _paragraph(left, _("STEERING COMMITTEE OF THE NATIONAL TARGET PROGRAMMES"), 13,
               bold=True, align=c, space_after=0)
    _short_rule(left, 2.5, 6.3)
    _paragraph(left, _("No.: ……/BC-BCĐ"), 13, align=c, space_after=0)
    _cell_text(right, _("SOCIALIST REPUBLIC OF VIET NAM"), 12, bold=True, align=c)
    _paragraph(right, _("Independence - Freedom - Happiness"), 13, bold=True, align=c,
               space_after=0)
    _short_rule(right, 6.0, 10.2)
    _paragraph(right, _("%(place)s, day …… month …… year %(year)s")
               % {"place": _place(d.district), "year": _report_year(d)}, 14, italic=True, align=c,
               space_after=0)


def _report_year(d):
    year, _quarter = quarters.following(d.period.year, d.period.quarter)
    return d.period.year if d.period.quarter < 4 else year


def _table(document, headers, rows, widths, numeric_from=2):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        _cell_text(table.rows[0].cells[index], header, 12, bold=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            bold = isinstance(value, tuple)
            text = value[0] if bold else value
            align = WD_ALIGN_PARAGRAPH.RIGHT if index >= numeric_from else None
            if index == 0:
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cells[index], text, 12, bold=bold, align=align)
    _widths(table, widths)
    return table


def _n(value, decimals=None):
    return format_number(value, decimals) if value is not None else "–"


def _results_table(document, d):
    headers = [_("No."), _("Indicator"), _("Unit"), _("Target for the year"),
               d.partial_label(_("Achieved"), "quarter", "ytd"),
               d.partial_label(_("Share of the target done"), "quarter", "ytd")]
    rows = []
    for number, row in enumerate(d.target_rows, start=1):
        done = row.figure.ytd if row.indicator.is_flow else row.figure.quarter
        share = f"{row.share_text}%" if row.share is not None else "–"
        rows.append([str(number), row.indicator.name, row.indicator.unit, row.target.value_text,
                     _n(done, row.decimals), share])
    return _table(document, headers, rows, [1.1, 7.0, 2.0, 2.3, 2.0, 2.2], numeric_from=3)


def _figures_table(document, d):
    headers = [_("No."), _("Indicator"), _("Unit"), d.partial_label(_("This quarter"), "quarter"),
               d.partial_label(_("Year to date"), "ytd"),
               d.partial_label(_("Cumulative"), "cumulative")]
    rows, number = [], 0
    for programme, programme_rows in d.programmes:
        rows.append(["", (programme,), "", "", "", ""])
        for row in programme_rows:
            number += 1
            figure = row.figure
            rows.append([str(number), row.indicator.name, row.indicator.unit,
                         _n(figure.quarter, row.decimals), _n(figure.ytd, row.decimals),
                         _n(figure.cumulative, row.decimals)])
    return _table(document, headers, rows, [1.1, 7.6, 2.0, 2.0, 2.0, 2.0], numeric_from=3)


def _laggards_table(document, d):
    headers = [_("No."), _("Commune"), _("Sponsoring unit"), _("Criteria not met"),
               _("What remains"), _("Tasks (open / overdue)")]
    rows = []
    for number, laggard in enumerate(d.plan.laggards, start=1):
        row = laggard.row
        unmet = "; ".join(f"{c.number}. {c.name}" for c in row.unmet) if row.assessed \
            else _("No assessment in the data shown")
        rows.append([str(number), laggard.commune.name, row.sponsor or "–", unmet,
                     laggard.remaining_text or "–",
                     f"{laggard.open_tasks} / {laggard.overdue_tasks}"])
    return _table(document, headers, rows, [1.0, 2.2, 3.2, 3.6, 4.6, 2.0], numeric_from=5)


def _next_tasks(document, d):
    tasks = d.plan.next_tasks
    if not tasks:
        _paragraph(document, _("No open task in the action plan."), indent=True)
        return
    for number, task in enumerate(tasks, start=1):
        place = task.commune.name if task.commune_id else _("the district")
        text = _("%(number)s. %(task)s (%(place)s, criterion %(criterion)s; owner: %(owner)s; "
                 "deadline %(date)s%(overdue)s).") % {
            "number": number, "task": task.title, "place": place,
            "criterion": f"{task.criterion.number}. {task.criterion.name}",
            "owner": task.owner_name, "date": format_date(task.due_date),
            "overdue": ", " + _("overdue") if task.is_overdue(d.plan.today) else ""}
        _paragraph(document, text, indent=True)


def _closing_block(document, d):
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    _cell_text(left, _("Recipients:"), 12, bold=True, italic=True)
    for line in (_("- Standing committee of the district Party committee;"),
                 _("- District People's Council and People's Committee;"),
                 _("- Members of the steering committee;"),
                 _("- People's Committees of the communes;"),
                 _("- Filed: records, NTM coordination office.")):
        _paragraph(left, line, 11, space_after=0)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(right, _("ON BEHALF OF THE STEERING COMMITTEE"), 13, bold=True, align=c)
    _paragraph(right, _("HEAD"), 13, bold=True, align=c, space_after=48)
    _paragraph(right, _("(signature and seal)"), 13, italic=True, align=c, space_after=24)
    _paragraph(right, "……………………", 14, bold=True, align=c, space_after=0)


def document_bytes(d):
    """The .docx of dashboard ``d`` (built with ``reports.dashboard.build_dashboard``)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.core_properties.title = _("Report on %(period)s") % {"period": d.span.label}
    document.core_properties.author = unit_label(d.district)

    _heading_block(document, d)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "", space_after=6)
    _paragraph(document, _("REPORT"), 14, bold=True, align=c, space_after=0)
    next_label = quarter_label(*quarters.following(d.period.year, d.period.quarter))
    title = _paragraph(document, _("Results of the national target programmes in %(period)s "
                                   "and the main tasks of %(next)s")
                       % {"period": d.span.label, "next": next_label}, 14, bold=True, align=c,
                       space_after=0)
    title.paragraph_format.left_indent = Cm(1)
    title.paragraph_format.right_indent = Cm(1)
    _short_rule(document, 4, 16.5)
    if d.restricted:
        _paragraph(document, _("Restricted to the communes of your account."), 12, italic=True,
                   align=c)
    partial = partial_history_note(d)
    if partial:
        _paragraph(document, partial, 12, italic=True, align=c)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY

    _paragraph(document, _("I. RESULTS OF %(period)s") % {"period": d.span.label.upper()},
               bold=True)
    for text in d.narrative:
        _paragraph(document, text, indent=True, align=justify)
    _paragraph(document, _("Table 1. Results against the targets of %(year)s")
               % {"year": d.period.year}, 13, bold=True, italic=True, align=c, space_after=3)
    _results_table(document, d)
    _paragraph(document, "", space_after=3)
    _paragraph(document, _("Table 2. The figures of the quarter"), 13, bold=True, italic=True,
               align=c, space_after=3)
    _figures_table(document, d)
    _paragraph(document, "", space_after=3)

    _paragraph(document, _("II. COMMUNES SHORT OF THE STANDARD AND WHAT REMAINS"), bold=True)
    if d.plan.laggards:
        _laggards_table(document, d)
    else:
        _paragraph(document, _("Every commune in scope is at the NTM standard."), indent=True)
    _paragraph(document, "", space_after=3)

    _paragraph(document, _("III. MAIN TASKS OF THE NEXT QUARTER"), bold=True)
    _next_tasks(document, d)
    _paragraph(document, "", space_after=6)
    _closing_block(document, d)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
