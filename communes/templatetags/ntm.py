"""Template filters for the portal's formats (one helper each, in ntm_portal.formats)."""

from django import template

from ntm_portal import formats

register = template.Library()


@register.filter
def vn_number(value, decimals=None):
    return formats.format_number(value, decimals if decimals != "" else None)


@register.filter
def vn_date(value):
    return formats.format_date(value)



@register.inclusion_tag("_period_picker.html", takes_context=True)
def period_picker(context, current, url_name, *args):
    """Every reporting period, by year, each a link to the same page for that period:
    any period is two taps away (open the picker, tap the quarter). The page's options
    (the unit chosen, submitted reports included) go with the link."""
    from django.urls import reverse

    from communes.models import ReportingPeriod

    request = context.get("request")
    query = f"?{request.GET.urlencode()}" if request is not None and request.GET else ""
    years = {}
    for p in ReportingPeriod.objects.order_by("-year", "quarter"):
        years.setdefault(p.year, []).append({
            "label": formats.quarter_label(p.year, p.quarter), "quarter": p.quarter,
            "url": reverse(url_name, args=[*args, p.year, p.quarter]) + query,
            "current": current is not None and p.pk == current.pk})
    return {"current": current, "years": list(years.items())}
