"""The steps of setting up a unit that ``communes`` owns (the checklist, ``communes:setup``):
communes with their official codes, villages, officers, periods, the registry workbook.

Counted inside the user's unit (``Commune.objects.restrict(user, CHANGE)``), one query each.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Commune, ReportingPeriod, User, Village
from .scoping import CHANGE
from .seeding import SetupItem


def setup_items(request):
    communes = Commune.objects.restrict(request.user, CHANGE).active()
    year = timezone.localdate().year

    def uncoded():
        total, coded = 0, 0
        for code in communes.values_list("code", flat=True):
            total += 1
            coded += bool(code)
        return (total - coded) if total else 1  # no commune at all: the list is missing

    return [
        SetupItem("units", _("Communes with their official codes"),
                  _("Load your province's list (or the GSO's file): communes still without a "
                    "code, or none loaded yet."),
                  ("communes:units-load",), uncoded, order=10),
        SetupItem("villages", _("Villages"), _("Communes without any village."),
                  ("communes:registry-import", "admin:communes_village_changelist"),
                  lambda: communes.filter(~Exists(Village.objects.filter(
                      commune=OuterRef("pk")))).count(), order=20),
        SetupItem("users", _("Accounts"), _("Communes without an officer's account."),
                  ("communes:users-import",),
                  lambda: communes.filter(~Exists(User.objects.filter(
                      commune=OuterRef("pk"), is_active=True))).count(), order=30),
        SetupItem("periods", _("Periods and deadlines"),
                  _("Quarters of this year without a reporting period."),
                  ("communes:unit-periods", "admin:communes_reportingperiod_changelist"),
                  lambda: 4 - ReportingPeriod.objects.filter(year=year).count(), order=70),
        SetupItem("registries", _("Registry workbook"),
                  _("Model residential areas and gardens recognised before you started: load "
                    "them once from the workbook."),
                  ("communes:registry-import",), None, order=80),
        SetupItem("mergers", _("Mergers of communes"),
                  _("When communes merge (the reform of 1 July 2025, or later): create the new "
                    "units and close the former ones, keeping their history."),
                  ("communes:mergers",), None, order=90),
    ]
