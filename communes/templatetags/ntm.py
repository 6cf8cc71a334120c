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

