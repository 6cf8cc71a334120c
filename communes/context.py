"""The steering unit a page speaks for, for titles, the footer and the login page.

Nothing names a unit in the templates: the signed-in user's unit (its district or
province; an officer's commune's district) gives the name, and for visitors (the
login page) the deployment setting ``PORTAL_UNIT_NAME``, else the one province in
the data. Evaluated lazily, so that a page that does not show it runs no query.
"""

from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _


def unit_label(unit):
    """'Kỳ Anh district' / 'Hà Tĩnh province' (in the active language): what every page,
    workbook and report calls a steering unit. The record a province steers its new
    communes under after the reform of 1 July 2025 is a province's, not a district's."""
    from .models import Province

    if isinstance(unit, Province) or getattr(unit, "is_province_level", False):
        return _("%(name)s province") % {"name": unit.name}
    return _("%(name)s district") % {"name": unit.name}


def unit_heading(unit):
    """The unit in a report's heading, in capitals: 'KỲ ANH DISTRICT' / 'HÀ TĨNH PROVINCE'."""
    return unit_label(unit).upper()


class PortalUnit:
    def __init__(self, user):
        self.user = user

    @cached_property
    def name(self):
        from .models import Province

        user = self.user
        if user.is_authenticated:
            if user.commune_id:  # an officer: its commune's district
                return unit_label(user.commune.district)
            if user.unit is not None:
                return unit_label(user.unit)
        if settings.PORTAL_UNIT_NAME:
            return settings.PORTAL_UNIT_NAME
        provinces = list(Province.objects.all()[:2])
        return unit_label(provinces[0]) if len(provinces) == 1 else ""

    def __str__(self):
        return self.name


def portal_unit(request):
    return {"portal_unit": PortalUnit(request.user)}
