"""Commune groups of the 2026–2030 criteria, and the threshold that applies to a commune.

Decision 51/2025/QĐ-TTg gives each indicator a threshold per commune group (1, 2, 3;
docs/DOMAIN.md#the-2026-2030-rules). A commune's group is set by the staff of its unit
for a year and holds for the following years until it is changed
(``CommuneCriteriaGroup``). This module is the one door that writes the groups
(``save_groups``: permission, validation, version, history) and the one place that says
which threshold a commune's value is compared with (``threshold_rule``): the set's own
threshold for sets with a single threshold (2016–2025, unchanged), the group's for a set
with ``thresholds_by_group``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communes.periods import check_unit_staff
from communes.signals import data_changed
from communes.versioning import StaleEdit, claim_versions

from .choices import CommuneGroup2026, ThresholdDirection
from .models import CommuneCriteriaGroup

# Groups exist from the 2026–2030 criteria on.
MIN_YEAR, MAX_YEAR = 2026, 2100


# ---------------------------------------------------------------------------------------
# Reading: the group of a commune in a year, and the threshold that applies to it.


def groups_in_year(communes, year):
    """{commune id: group} in ``year`` (the latest choice up to that year), one query.

    ``communes``: a queryset or an iterable of communes or ids. A commune without a
    group is absent.
    """
    rows = (CommuneCriteriaGroup.objects.filter(commune__in=communes, year__lte=year)
            .order_by("commune_id", "-year").values_list("commune_id", "group"))
    groups = {}
    for commune_id, group in rows:
        groups.setdefault(commune_id, group)
    return groups


def own_choices(communes, year):
    """{commune id: the record set for exactly ``year``} (what a save of that year changes)."""
    return {g.commune_id: g for g in CommuneCriteriaGroup.objects.filter(
        commune__in=communes, year=year)}


@dataclass(frozen=True)
class ThresholdRule:
    """What a value is compared with: a threshold (None: no numeric threshold), its
    direction, whether it is transcribed from the decision, and the commune group it is
    for (None for sets with one threshold)."""

    threshold: Decimal | None
    direction: str = ThresholdDirection.AT_LEAST
    is_official: bool = False
    group: int | None = None
    group_missing: bool = False  # a set by group, and the commune has no group


def threshold_rule(indicator, by_group=False, group=None):
    """The threshold of ``indicator`` for a commune of ``group``.

    ``by_group``: the indicator's set has thresholds by commune group. Then the group's
    threshold applies (``indicator.group_thresholds``, prefetch it for lists); a commune
    without a group, or a group without a threshold, has no numeric threshold.
    Otherwise the indicator's own threshold, exactly as before 2026.
    """
    if not by_group:
        return ThresholdRule(indicator.threshold, indicator.direction, indicator.is_official)
    if group is None:
        return ThresholdRule(None, group_missing=True)
    for row in indicator.group_thresholds.all():
        if row.group == group:
            return ThresholdRule(row.threshold, row.direction, row.is_official, group)
    return ThresholdRule(None, group=group)


# ---------------------------------------------------------------------------------------
# Writing: the one door.


@dataclass
class GroupInput:
    """What the page posts for one commune: the chosen group ("" for none) and the
    version of that commune's record of the year as loaded (0: none)."""

    commune: object
    group_raw: str = ""
    version: int = 0
    errors: list = field(default_factory=list)
    group: int | None = None


def check_group(data):
    """Parse one row; fills ``data.group`` and ``data.errors`` (Vietnamese by the locale)."""
    data.errors = []
    raw = (data.group_raw or "").strip()
    data.group = None
    if raw:
        if raw not in {str(value) for value in CommuneGroup2026.values}:
            data.errors.append(_("Choose group 1, 2 or 3."))
        else:
            data.group = int(raw)
    return data


def save_groups(actor, district, year, inputs):
    """Check and write the groups of a unit's communes from ``year`` on; return
    (rows changed, checked inputs).

    Permission: staff of the unit over ``district`` (``check_unit_staff``); every commune
    must be of that district (else ``PermissionDenied``). All or nothing: if a row has an
    error nothing is written and the rows come back with their messages. A row equal to
    the group in force changes nothing (a repeated post writes nothing twice). A changed
    row claims the version its record was loaded at: someone else's save in between
    refuses the whole save (``StaleEdit``). Emptying a row removes that year's own choice
    (the group of an earlier year then holds again).
    """
    check_unit_staff(actor, district)
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise StaleEdit(_("Commune groups are set for the years from %(first)s on.")
                        % {"first": MIN_YEAR})
    communes = [data.commune for data in inputs]
    if any(c.district_id != district.pk for c in communes):
        raise PermissionDenied(_("Only the communes of %(unit)s can be changed here.")
                               % {"unit": district.name})
    if len({c.pk for c in communes}) != len(communes):
        raise StaleEdit(_("A commune was posted twice. Reload the page and try again."))
    inherited = groups_in_year(communes, year)
    own = own_choices(communes, year)
    earlier = groups_in_year(communes, year - 1)
    for data in inputs:
        check_group(data)
        current = own.get(data.commune.pk)
        if (data.group is None and not data.errors and current is None
                and inherited.get(data.commune.pk) is not None):
            data.errors.append(_("This commune's group holds from an earlier year; choose "
                                 "a group to change it."))
    if any(data.errors for data in inputs):
        return 0, inputs
    stale = _("Someone else changed the commune groups of %(year)s after you opened the "
              "page. Nothing of yours was saved: the page now shows their groups.") % {
        "year": year}
    changes = []
    for data in inputs:
        pk = data.commune.pk
        if data.group == inherited.get(pk):
            continue  # as it is: nothing to write (a repeated post lands here)
        current = own.get(pk)
        if data.version != (current.version if current else 0):
            raise StaleEdit(stale)
        changes.append((data, current))
    if not changes:
        return 0, inputs
    with transaction.atomic():
        claims = [(current, data.version) for data, current in changes if current]
        if claims:
            claim_versions(CommuneCriteriaGroup, claims, stale)
        for data, current in changes:
            if data.group is None or data.group == earlier.get(data.commune.pk):
                # No choice of its own this year: the earlier year's group holds.
                if current is not None:
                    current._history_user = actor
                    current.delete()
                continue
            record = current or CommuneCriteriaGroup(commune=data.commune, year=year)
            record.group = data.group
            record._history_user = actor
            try:
                with transaction.atomic():
                    record.save()
            except IntegrityError:  # created by someone else meanwhile
                raise StaleEdit(stale) from None
    data_changed.send(sender=CommuneCriteriaGroup)
    return len(changes), inputs
