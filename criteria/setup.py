"""The steps of setting up a unit that ``criteria`` owns, for the checklist of ``communes``
(``communes.seeding.SetupItem``): catalogue choices, the year's targets, opening balances."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.scoping import CHANGE
from communes.seeding import SetupItem

from .models import Target


def setup_items(request):
    year = timezone.localdate().year
    return [
        SetupItem("catalogue", _("Catalogue choices"),
                  _("Which indicators your unit uses and which are required."),
                  ("criteria:unit-catalogue",), None, order=40),
        SetupItem("targets", _("Targets of the year"),
                  _("No target entered for this year yet."),
                  ("criteria:unit-targets",),
                  lambda: 0 if Target.objects.restrict(request.user, CHANGE).filter(
                      year=year).exists() else 1, order=50),
        SetupItem("opening", _("Opening balances"),
                  _("Cumulative figures as of the day your unit joined the programme."),
                  ("criteria:opening-balances",), None, order=60),
    ]
