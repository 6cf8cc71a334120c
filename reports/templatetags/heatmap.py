"""The heatmap's cells, rendered in Python.

A district of 21 communes and 20 criteria has 420 cells; through the template language
each cell costs a dozen lookups (and the criterion's name a language lookup), which
made the cells a third of the dashboard's time.
"""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_CELL = {True: ("met", "✓"), False: ("unmet", "✗"), None: ("", "·")}


@lru_cache(maxsize=32)
def _columns(titles):
    """For each criterion (its title), the three cells it may show, escaped once."""
    return tuple({met: f'<td class="{css}" title="{escape(title)}">{mark}</td>'
                  for met, (css, mark) in _CELL.items()} for title in titles)


@register.simple_tag
def heatmap_cells(row, titles):
    """The <td> cells of one commune's row; ``titles`` are the criteria's, in order."""
    columns = _columns(tuple(titles))
    return mark_safe("".join(column[met] for column, (_criterion, met)
                             in zip(columns, row.cells)))
