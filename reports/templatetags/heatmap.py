"""The heatmap's cells, rendered in Python.

A district of 21 communes and 20 criteria has 420 cells; through the template language
each cell costs a dozen lookups (and the criterion's name a language lookup), which
made the cells a third of the dashboard's time.
"""

from django import template
from django.utils.html import format_html_join

register = template.Library()

_CELL = {True: ("met", "✓"), False: ("unmet", "✗"), None: ("", "·")}


@register.simple_tag
def heatmap_cells(row, titles):
    """The <td> cells of one commune's row; ``titles`` are the criteria's, in order."""
    return format_html_join(
        "", '<td class="{}" title="{}">{}</td>',
        ((_CELL[met][0], title, _CELL[met][1]) for (_criterion, met), title in zip(row.cells, titles)),
    )
