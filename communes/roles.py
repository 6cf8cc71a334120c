"""Roles as a policy: what each role may do in the back office (/admin/), in one place.

A user's role decides everything: ``is_staff`` (may sign in to the back office) and
the permission group of the role. ``apply_role`` runs whenever a user is saved with a
new role (``User.save``); ``sync_role_groups`` builds the groups from this table, run
by the data migration ``communes.0007_role_groups_creation_claims`` and after every ``migrate`` (for
permissions of models added since). Nobody assigns groups or the staff flag by hand:
the back office shows them read-only.

What a user may *see and change in the portal's pages* is a different rule, the scope
(``communes.scoping``); this module only opens the back office's doors.
"""

from .choices import Role

PORTAL_APPS = ("communes", "criteria", "ocop")

# Records whose writes belong to a service (the workflow, the entry functions, the
# rating decision): the back office shows them, never changes them.
READ_ONLY_MODELS = frozenset({
    "communes.submission", "communes.submissionevent",
    "criteria.indicatorvalue", "criteria.criterionassessment",
    "criteria.criterionindicatorvalue", "criteria.task", "criteria.openingbalance",
    "ocop.rating", "criteria.districtreport", "criteria.districtvalue",
    # A unit's choices, targets and periods: on its staff pages, through their services.
    "criteria.unitindicatorchoice", "criteria.target", "communes.unitperiodsetting",
    "criteria.communecriteriagroup",
})
# Defaults every unit shares (the catalogue's indicators, the periods' deadlines): only
# administrators change them; a unit chooses its own on its staff pages.
SHARED_DEFAULT_MODELS = frozenset({"criteria.indicator", "communes.reportingperiod"})
# Accounts: administrators manage them; staff only read them (a staff member who could
# change roles could make themself an administrator).
ACCOUNT_MODELS = frozenset({"communes.user"})


def _staff_allows(model_key, action):
    if model_key in READ_ONLY_MODELS or model_key in ACCOUNT_MODELS \
            or model_key in SHARED_DEFAULT_MODELS:
        return action == "view"
    return True


def _admin_allows(model_key, action):
    if model_key in READ_ONLY_MODELS:
        return action == "view"
    return True


# role → (may enter the back office, apps, rule on (model "app.model", action)).
POLICY = {
    Role.STAFF: (True, PORTAL_APPS, _staff_allows),
    Role.ADMIN: (True, PORTAL_APPS + ("auth",), _admin_allows),
    Role.COMMITTEE: (False, (), None),
    Role.SPONSOR: (False, (), None),
    Role.OFFICER: (False, (), None),
}

# The group carrying a role's permissions (names shown in the back office, in Vietnamese).
GROUP_NAMES = {
    Role.STAFF: "Cán bộ huyện (VP điều phối)",
    Role.ADMIN: "Quản trị hệ thống",
}


def is_back_office_role(role):
    entry = POLICY.get(role)
    return bool(entry and entry[0])


def role_permissions(permissions, role):
    """The permissions (of the queryset ``permissions``) the role's group holds."""
    _door, apps, allows = POLICY.get(role, (False, (), None))
    if not apps:
        return []
    chosen = []
    for perm in permissions.filter(content_type__app_label__in=apps).select_related("content_type"):
        action = perm.codename.split("_", 1)[0]
        if allows(f"{perm.content_type.app_label}.{perm.content_type.model}", action):
            chosen.append(perm)
    return chosen


def sync_role_groups(group_model, permission_model, user_model=None):
    """Create or update every role's group from ``POLICY``; put users in their role's group.

    Takes the models as arguments so that the data migration can pass its historical
    ones. Returns {role: group}.
    """
    groups = {}
    for role, name in GROUP_NAMES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = {p.pk for p in role_permissions(permission_model.objects.all(), role)}
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
        groups[role] = group
    if user_model is not None:
        for user in user_model.objects.all():
            _place(user, groups)
            user_model.objects.filter(pk=user.pk).update(
                is_staff=user.is_superuser or is_back_office_role(user.role))
    return groups


def _place(user, groups):
    """Put ``user`` in the group of its role and out of the other roles' groups."""
    role_groups = set(groups.values())
    current = set(user.groups.filter(pk__in=[g.pk for g in role_groups]))
    target = {groups[user.role]} if user.role in groups else set()
    if current - target:
        user.groups.remove(*(current - target))
    if target - current:
        user.groups.add(*(target - current))


def apply_role(user):
    """Give a saved user the back-office rights of its role (called by ``User.save``)."""
    from django.contrib.auth.models import Group

    groups = {role: group for role, group in (
        (role, Group.objects.filter(name=name).first()) for role, name in GROUP_NAMES.items())
        if group is not None}
    if len(groups) < len(GROUP_NAMES):
        from django.contrib.auth.models import Permission

        groups = sync_role_groups(Group, Permission)
    _place(user, groups)


def staff_flag(user):
    """``is_staff`` as the role decides it (superusers always enter the back office)."""
    return bool(user.is_superuser or is_back_office_role(user.role))
