"""Who may see and change what: one rule, used by views, forms, exports and the API.

Every model that serves users has a manager built from ``ScopedQuerySet`` and a
``scope_commune_path``: the lookup path from the model to its commune ("pk" for a
commune itself, "commune" for a village, "submission__commune" for a figure), or
``None`` for district-wide records (periods, the catalogue) that every signed-in
user may read and only district staff may change.

Records of a steering unit that are not under one commune (a district, a district's
target) name the path to their district in ``scope_district_path`` ("pk" for a
district itself); a province names ``scope_province_path``.

Steering units: staff, committee members and sponsors belong to one district or one
province (``User.district`` / ``User.province``); everything they see is inside it. A
province account sees all its districts and their communes. Administrators see all.

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


def sees_everything(user):
    """Administrators are above every steering unit."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)


def _join(path, field):
    return field if path == "pk" else f"{path}__{field}"


def unit_q(user, district_path):
    """A Q object keeping records whose district (reached by ``district_path``, "pk" for a
    district itself) lies in the user's steering unit."""
    if sees_everything(user):
        return Q()
    if user.district_id:
        return Q(**{district_path: user.district_id})
    if user.province_id:
        return Q(**{_join(district_path, "province"): user.province_id})
    return _NOTHING


def province_q(user, province_path="pk"):
    """A Q object keeping the provinces the user works in (its own, or its district's)."""
    if sees_everything(user):
        return Q()
    if user.province_id:
        return Q(**{province_path: user.province_id})
    if user.district_id:
        return Q(**{_join(province_path, "districts"): user.district_id})
    return _NOTHING


def visible_districts(user):
    """The districts (steering units at district level) the user may open, by name."""
    from .models import District

    return District.objects.restrict(user).select_related("province").order_by("name")


def user_scope(user):
    """The accounts a user may see (the back office's user list): administrators all;
    staff and committee members the accounts of their unit (its own accounts and its
    communes' officers); anyone else only themself."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    if sees_everything(user):
        return Q()
    if user.role not in (Role.STAFF, Role.COMMITTEE):
        return Q(pk=user.pk)
    districts = visible_districts(user).values("pk")
    scope = Q(commune__district__in=districts) | Q(district__in=districts)
    if user.province_id:
        scope |= Q(province=user.province_id)
    return scope


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
    if sees_everything(user):
        return Q()
    unit = unit_q(user, _join(path, "district"))
    if user.role == Role.STAFF:
        return unit
    if user.role == Role.COMMITTEE:
        return unit if action == VIEW else _NOTHING
    if user.role == Role.SPONSOR:
        if action != VIEW or not user.sponsoring_unit_id:
            return _NOTHING
        return unit & Q(**{f"{path}__in": sponsored_commune_ids(user)})
    if user.role == Role.OFFICER and user.commune_id:
        own = Q(**{path: user.commune_id})
        if action != VIEW:
            return own
        return own | readable_predecessor_q(path, user.commune_id)
    return _NOTHING


# How many generations of predecessors an officer's reading reaches (a commune merged in
# 2025 from communes merged in 2019 from older ones): subqueries inside the same query.
PREDECESSOR_GENERATIONS = 3


def readable_predecessor_q(path, commune_id):
    """Q of the units merged into ``commune_id`` whose history its officers may read
    (``Commune.officers_see_predecessors``), and their own predecessors, up to
    ``PREDECESSOR_GENERATIONS``: read only, never changed (``commune_scope`` gives them for
    VIEW alone). No extra query: nested subqueries of the one being scoped."""
    from .models import Commune

    through = Commune.predecessors.through
    generation = through.objects.filter(
        from_commune_id=commune_id, from_commune__officers_see_predecessors=True,
    ).values("to_commune_id")
    q = Q(**{f"{path}__in": generation})
    for _ in range(PREDECESSOR_GENERATIONS - 1):
        generation = through.objects.filter(from_commune_id__in=generation).values(
            "to_commune_id")
        q |= Q(**{f"{path}__in": generation})
    return q


def unit_scope(user, action, district_path):
    """A unit's own records that are not under one commune (a district, its targets):
    everyone of the unit reads them (officers: their commune's district), staff change."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    if sees_everything(user):
        return Q()
    if user.role == Role.OFFICER:
        if action != VIEW or not user.commune_id:
            return _NOTHING
        from .models import Commune

        return Q(**{f"{district_path}__in": Commune.objects.filter(
            pk=user.commune_id).values("district_id")})
    if action != VIEW and user.role != Role.STAFF:
        return _NOTHING
    return unit_q(user, district_path)


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
            district_path = getattr(self.model, "scope_district_path", None)
            if district_path is not None:
                return self.filter(unit_scope(user, action, district_path))
            province_path = getattr(self.model, "scope_province_path", None)
            if province_path is not None:
                if action != VIEW and not sees_everything(user):
                    return self.none()
                return self.filter(province_q(user, province_path)) if user.is_authenticated \
                    else self.none()
            return self.filter(district_scope(user, action))
        return self.filter(commune_scope(user, action, path))

    def active(self, on_date=None):
        """Records valid on ``on_date`` (today by default), for models with validity dates."""
        on_date = on_date or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on_date)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
        )


def picked_district(user, slug=None, action=VIEW):
    """The district a unit's page speaks of: ``?unit=<slug>`` among the districts the user
    may open (``action``: change for staff pages), 404 outside them; without a slug, the
    user's own district (an officer: its commune's), else the first by name (a province
    account, an administrator). ``None`` when the user has no district at all."""
    from django.http import Http404

    from .models import District

    districts = District.objects.restrict(user, action).select_related("province")
    if slug:
        district = districts.filter(slug=str(slug)[:100]).first()
        if district is None:
            raise Http404("No such unit.")
        return district
    own = user.district_id or (user.commune.district_id if user.commune_id else None)
    if own:
        return districts.filter(pk=own).first()
    return districts.order_by("name").first()
