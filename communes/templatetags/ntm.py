"""Template filters for the portal's formats (one helper each, in ntm_portal.formats)."""

from django import template
from django.utils.translation import gettext as _

from ntm_portal import formats
from ntm_portal.spans import ROMAN

register = template.Library()


@register.filter
def vn_number(value, decimals=None):
    return formats.format_number(value, decimals if decimals != "" else None)


@register.filter
def signed(value):
    """A change with its sign, the Vietnamese way: "+1.234", "-12,5", "0"; "" for None."""
    if value is None:
        return ""
    text = formats.format_number(value)
    return f"+{text}" if value > 0 else text


@register.filter
def unit_label(unit):
    """What a page calls a steering unit: "huyện Kỳ Anh", "tỉnh Hà Tĩnh" (one rule:
    ``communes.context.unit_label``)."""
    from communes.context import unit_label as label

    return label(unit) if unit is not None else ""


@register.filter
def vn_date(value):
    return formats.format_date(value)



@register.inclusion_tag("_period_picker.html", takes_context=True)
def period_picker(context, current, url_name, *args, span=None, span_url=None, range_url=None):
    """Every reporting period, by year, each a link to the same page for that period:
    any period is two taps away (open the picker, tap the quarter). The page's options
    (the unit chosen, submitted reports included) go with the link.

    With ``span_url`` (a URL name taking the year and a span's slug, as the reports'
    ``span_dashboard``), each year also offers 6 months, 9 months and the year once
    their quarters exist; ``span`` (a ``ntm_portal.spans.Span``) is the one shown. With
    ``range_url`` (a URL name answering a GET with ``year``, ``first`` and ``last``, as the
    reports' ``span_range``) a small form below picks any run of quarters of a year."""
    from django.urls import reverse

    from communes.models import ReportingPeriod
    from ntm_portal.spans import menu_spans

    request = context.get("request")
    query = f"?{request.GET.urlencode()}" if request is not None and request.GET else ""
    held = {}
    for year, quarter in ReportingPeriod.objects.order_by("-year", "quarter").values_list(
            "year", "quarter"):
        held.setdefault(year, []).append(quarter)
    years = []
    for year, quarters_held in held.items():
        items = []
        for item in menu_spans(year, quarters_held) if span_url else [
                _quarter_span(year, q) for q in quarters_held]:
            if item.is_quarter:
                url = reverse(url_name, args=[*args, year, item.last])
                is_current = (current is not None and (span is None or span.is_quarter)
                              and (current.year, current.quarter) == (year, item.last))
            else:
                url = reverse(span_url, args=[*args, year, item.slug])
                is_current = span == item
            label = (item.label if not item.is_quarter
                     else formats.quarter_label(year, item.last))
            short = item.short_label
            items.append({"label": label, "short": short, "quarter": item.last,
                          "url": url + query, "current": is_current,
                          # A spoken name that contains what the button shows.
                          "aria": label if short.lower() in label.lower()
                          else f"{short} ({label})"})
        years.append((year, items))
    label = span.title if span is not None and not span.is_quarter else (
        current.label if current is not None else "")
    result = {"current": current, "label": label, "years": years}
    if range_url:
        shown = span or (_quarter_span(current.year, current.quarter) if current else None)
        result["range"] = {
            "action": reverse(range_url),
            "years": list(held),
            "quarters": [(q, _("Quarter %(roman)s") % {"roman": ROMAN[q]}) for q in range(1, 5)],
            "year": shown.year if shown else None,
            "first": shown.first if shown else 1,
            "last": shown.last if shown else 4,
            # The page's options (unit, submitted reports included) go with the form.
            "keep": [(k, v) for k, values in (request.GET.lists() if request else [])
                     for v in values if k not in {"year", "first", "last"}],
        }
    return result


def _quarter_span(year, quarter):
    from ntm_portal.spans import Span

    return Span.quarter(year, quarter)
