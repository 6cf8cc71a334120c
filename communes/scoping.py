"""Who may see and change what: one rule, used by views, forms, exports and the API.

Every model that serves users has a manager built from ``ScopedQuerySet`` and a
``scope_commune_path``: the lookup path from the model to its commune ("pk" for a
commune itself, "commune" for a village, "submission__commune" for a figure), or
``None`` for district-wide records (periods, the catalogue) that every signed-in
user may read and only district staff may change.

``Model.objects.restrict(user, action)`` is the scoping function of each model
(NetBox's style). Out-of-scope objects are simply absent from the queryset, so
views answer 404 and do not leak their existence.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import Role

VIEW = "view"
CHANGE = "change"
_NOTHING = Q(pk__in=[])


def is_district_reader(user):
    """Staff, committee and administrators read the whole district."""
    return user.is_authenticated and (
        user.is_superuser or user.role in (Role.STAFF, Role.COMMITTEE, Role.ADMIN)
    )


def is_district_staff(user):
    """District staff and administrators change district-wide records and review."""
    return user.is_authenticated and (user.is_superuser or user.role in (Role.STAFF, Role.ADMIN))


def sponsored_commune_ids(user):
    """Subquery of the communes the user's sponsoring unit sponsors or has sponsored.

    Past sponsorships count too: a sponsor keeps reading the history of the work it
    supported, and a quarter's report speaks of the sponsor of that quarter.
    """
    from .models import Sponsorship

    return Sponsorship.objects.filter(unit_id=user.sponsoring_unit_id).values("commune_id")


def commune_scope(user, action, path):
    """A Q object restricting a model reached from its commune by ``path``."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    if is_district_staff(user):
        return Q()
    if user.role == Role.COMMITTEE:
        return Q() if action == VIEW else _NOTHING
    if user.role == Role.SPONSOR:
        if action != VIEW or not user.sponsoring_unit_id:
            return _NOTHING
        return Q(**{f"{path}__in": sponsored_commune_ids(user)})
    if user.role == Role.OFFICER and user.commune_id:
        return Q(**{path: user.commune_id})
    return _NOTHING


def district_scope(user, action):
    """District-wide records: every signed-in user reads, staff change."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    if action == VIEW or is_district_staff(user):
        return Q()
    return _NOTHING


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action=VIEW):
        path = getattr(self.model, "scope_commune_path", None)
        if path is None:
            return self.filter(district_scope(user, action))
        return self.filter(commune_scope(user, action, path))

    def active(self, on_date=None):
        """Records valid on ``on_date`` (today by default), for models with validity dates."""
        on_date = on_date or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
        )
