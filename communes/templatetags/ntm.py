"""Template filters for the portal's formats (one helper each, in ntm_portal.formats)."""

from functools import lru_cache

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



@register.simple_tag(takes_context=True)
def period_picker(context, current, url_name, *args, span=None, span_url=None, range_url=None):
    """Every reporting period, by year, each a link to the same page for that period:
    any period is two taps away (open the picker, tap the quarter). The page's options
    (the unit chosen, submitted reports included) go with the link.

    With ``span_url`` (a URL name taking the year and a span's slug, as the reports'
    ``span_dashboard``), each year also offers 6 months, 9 months and the year once
    their quarters exist; ``span`` (a ``ntm_portal.spans.Span``) is the one shown. With
    ``range_url`` (a URL name answering a GET with ``year``, ``first`` and ``last``, as the
    reports' ``span_range``) a small form below picks any run of quarters of a year.

    One query for the periods held; the picker itself (dozens of links, each a
    ``reverse()``) is rendered once per process for the same periods, page, options and
    language (``_picker_html``), as it was a sixth of a cached dashboard's time."""
    from django.conf import settings
    from django.urls import get_script_prefix, get_urlconf
    from django.utils import translation

    from communes.models import ReportingPeriod

    request = context.get("request")
    held = {}
    for year, quarter in ReportingPeriod.objects.order_by("-year", "quarter").values_list(
            "year", "quarter"):
        held.setdefault(year, []).append(quarter)
    query = f"?{request.GET.urlencode()}" if request is not None and request.GET else ""
    keep = tuple((k, v) for k, values in (request.GET.lists() if request else ())
                 for v in values)
    return _picker_html(
        tuple((year, tuple(q)) for year, q in held.items()),
        (current.year, current.quarter) if current is not None else None,
        url_name, tuple(args), span, span_url, range_url, query, keep,
        translation.get_language(), get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=512)
def _picker_html(held, current, url_name, args, span, span_url, range_url, query, keep,
                 language, prefix, urlconf):
    """The picker's HTML: a function of its arguments alone (all of them in the cache's
    key: the periods held, the language, the URL prefix and configuration included), so
    it never shows stale periods or links."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from ntm_portal.spans import menu_spans

    years = []
    for year, quarters_held in held:
        items = []
        for item in menu_spans(year, list(quarters_held)) if span_url else [
                _quarter_span(year, q) for q in quarters_held]:
            if item.is_quarter:
                url = reverse(url_name, args=[*args, year, item.last])
                is_current = (current is not None and (span is None or span.is_quarter)
                              and current == (year, item.last))
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
        formats.quarter_label(*current) if current is not None else "")
    result = {"current": current, "label": label, "years": years}
    if range_url:
        shown = span or (_quarter_span(*current) if current else None)
        result["range"] = {
            "action": reverse(range_url),
            "years": [year for year, _q in held],
            "quarters": [(q, _("Quarter %(roman)s") % {"roman": ROMAN[q]}) for q in range(1, 5)],
            "year": shown.year if shown else None,
            "first": shown.first if shown else 1,
            "last": shown.last if shown else 4,
            # The page's options (unit, submitted reports included) go with the form.
            "keep": [(k, v) for k, v in keep if k not in {"year", "first", "last"}],
        }
    return render_to_string("_period_picker.html", result)


def _quarter_span(year, quarter):
    from ntm_portal.spans import Span

    return Span.quarter(year, quarter)
