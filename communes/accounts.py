"""Accounts: the one door for password changes, staff resets and "log out everywhere".

Who may reset whom: an administrator anyone but themselves; district staff the users who are
neither staff nor administrators (officers, committee members, sponsors). A reset sets a random
temporary password, shown once to the one who reset it, and the next sign-in must change it;
every session of that user ends.

Accounts in bulk (``save_accounts``, from the users sheet): the same one-time password, shown
once to the one who uploaded the sheet, and the same first-sign-in change.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .choices import Role
from .scoping import user_scope

# Without look-alike characters (0/O, 1/l/I), so that it can be read out over the phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_PASSWORD_LENGTH = 14


def can_reset_password(actor, target):
    if not actor.is_authenticated or not actor.is_active or actor.pk == target.pk:
        return False
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    if actor.role == Role.STAFF:
        if target.is_superuser or target.is_staff or target.role in (Role.STAFF, Role.ADMIN):
            return False
        return type(target).objects.filter(user_scope(actor), pk=target.pk).exists()  # own unit
    return False


def _temporary_password():
    return "".join(secrets.choice(_ALPHABET) for _i in range(TEMPORARY_PASSWORD_LENGTH))


@transaction.atomic
def reset_password(actor, target):
    """Give ``target`` a temporary password (returned, to be shown once) and end their sessions."""
    if not can_reset_password(actor, target):
        raise PermissionDenied(_("You may not reset the password of %(user)s.") % {"user": target.username})
    password = _temporary_password()
    target.set_password(password)
    target.must_change_password = True
    target.session_epoch = F("session_epoch") + 1
    target.save(update_fields=["password", "must_change_password", "session_epoch"])
    target.refresh_from_db(fields=["session_epoch"])
    return password


@transaction.atomic
def change_password(request, form):
    """Save a valid PasswordChangeForm: the flag of a reset is cleared, this session is kept,
    the user's other sessions end (their hash covers the old password)."""
    user = form.save(commit=False)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    update_session_auth_hash(request, user)
    return user


@transaction.atomic
def logout_everywhere(user):
    """End every session of ``user``, on every device (API tokens are revoked on the profile)."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


# ---------------------------------------------------------------- accounts in bulk

@dataclass
class AccountRow:
    """One account of a bulk sheet, as typed (``where``: the sheet's row, for messages)."""

    username: str
    full_name: str
    role: str
    commune: str = ""  # slug or official code, for officers
    email: str = ""
    phone: str = ""
    unit: str = ""  # steering unit (district or province: slug or code); blank: the uploader's
    where: str = ""


@dataclass
class AccountsResult:
    errors: list = field(default_factory=list)  # (where, column, message)
    created: list = field(default_factory=list)  # (user, one-time password)
    updated: list = field(default_factory=list)
    unchanged: int = 0


def roles_allowed(actor):
    """The roles ``actor`` may give in a bulk sheet: administrators any; staff the accounts of
    their own unit (officers of its communes, committee members, staff), never administrators."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return [Role.OFFICER, Role.COMMITTEE, Role.STAFF, Role.ADMIN]
    if actor.role == Role.STAFF and actor.is_active and actor.unit is not None:
        return [Role.OFFICER, Role.COMMITTEE, Role.STAFF]
    return []


def check_bulk_accounts(actor):
    if not actor.is_authenticated or not roles_allowed(actor):
        raise PermissionDenied(_("Only staff and administrators create accounts in bulk."))


def _role_of(text):
    """A role typed by its code (officer) or its name in either language (Cán bộ xã)."""
    from django.utils import translation

    from ntm_portal.formats import vn_slugify

    wanted = vn_slugify(text)
    for role in Role:
        names = {vn_slugify(role.value), vn_slugify(str(role.label))}
        with translation.override("en"):
            names.add(vn_slugify(str(role.label)))
        if wanted in names:
            return role
    return None


class _Units:
    """Communes and steering units an actor may put accounts in, looked up by slug or code."""

    def __init__(self, actor):
        from .models import Commune, District, Province

        self.communes = {}
        for commune in Commune.objects.restrict(actor, "change").only("pk", "slug", "code"):
            self.communes[commune.slug] = commune
            if commune.code:
                self.communes.setdefault(commune.code, commune)
        self.units = {}
        for district in District.objects.restrict(actor, "change").only("pk", "slug", "code"):
            self.units[district.slug] = district
            if district.code:
                self.units.setdefault(district.code, district)
        provinces = Province.objects.all() if (actor.is_superuser or actor.role == Role.ADMIN) \
            else Province.objects.filter(pk=actor.province_id)
        for province in provinces.only("pk", "slug", "code"):
            self.units[province.slug] = province
            if province.code:
                self.units.setdefault(province.code, province)


def _check_row(actor, row, units, allowed, existing):
    """(errors by column, values to set) for one row."""
    from django.core.validators import validate_email

    from ntm_portal.forms import SHORT_TEXT_MAX, text_errors

    from .models import District, Province

    errors = []
    for column in ("username", "full_name", "email", "phone", "commune", "unit", "role"):
        for message in text_errors(getattr(row, column), SHORT_TEXT_MAX):
            errors.append((column, message))
    if errors:
        return errors, None
    username = row.username
    if not username:
        errors.append(("username", _("This cell is required.")))
    elif len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors.append(("username", _("Letters, digits and @ . + - _ only, at most 150.")))
    if not row.full_name:
        errors.append(("full_name", _("This cell is required.")))
    elif len(row.full_name) > 150:
        errors.append(("full_name", _("At most 150 characters.")))
    role = _role_of(row.role) if row.role else None
    if role is None:
        errors.append(("role", _("Unknown role: write officer, committee or staff.")))
    elif role not in allowed:
        errors.append(("role", _("You may not give the role %(role)s.") % {"role": role.label}))
    if row.email:
        try:
            validate_email(row.email)
        except Exception:  # noqa: BLE001 (a ValidationError: the message is ours)
            errors.append(("email", _("This is not an e-mail address.")))
    if row.phone and (len(row.phone) > 20 or not all(c.isdigit() or c in "+ .-()" for c in row.phone)):
        errors.append(("phone", _("A phone number has digits only (and + . - spaces).")))
    values = {"first_name": row.full_name, "email": row.email, "phone": row.phone, "role": role,
              "commune": None, "district": None, "province": None}
    if role == Role.OFFICER:
        commune = units.communes.get(row.commune)
        if commune is None:
            errors.append(("commune", _("No commune %(value)s in your unit.") % {"value": row.commune}
                           if row.commune else _("An officer needs a commune (slug or code).")))
        values["commune"] = commune
    elif role in (Role.STAFF, Role.COMMITTEE):
        unit = units.units.get(row.unit) if row.unit else actor.unit
        if unit is None:
            errors.append(("unit", _("No steering unit %(value)s in your unit.") % {"value": row.unit}
                           if row.unit else _("Give the steering unit (a district or a province).")))
        elif isinstance(unit, District):
            values["district"] = unit
        elif isinstance(unit, Province):
            values["province"] = unit
    if existing is not None:
        if not (actor.is_superuser or actor.role == Role.ADMIN) and (
                existing.is_superuser or existing.role in (Role.STAFF, Role.ADMIN)
                or not type(existing).objects.filter(user_scope(actor), pk=existing.pk).exists()):
            errors.append(("username", _("The account %(user)s exists and is not yours to "
                                         "change.") % {"user": username}))
        elif existing.is_superuser and role != Role.ADMIN:
            errors.append(("role", _("An administrator's role is changed in the back office.")))
    return errors, values


@transaction.atomic
def save_accounts(actor, rows):
    """Create or update the accounts of a bulk sheet, all or nothing (the one door for users
    in bulk). New accounts get a one-time password (returned, never stored in clear) and must
    change it at their first sign-in; existing ones (same username) are updated and keep their
    password. The role's rights come from ``User.save`` → ``roles.apply_role``."""
    check_bulk_accounts(actor)
    user_model = get_user_model()
    allowed = roles_allowed(actor)
    units = _Units(actor)
    result = AccountsResult()
    names = [row.username for row in rows if row.username]
    existing = {u.username: u for u in user_model.objects.filter(username__in=names)}
    seen = {}
    planned = []
    for row in rows:
        if row.username in seen:
            result.errors.append((row.where, "username", _("The username %(user)s is also on "
                                  "row %(row)s.") % {"user": row.username, "row": seen[row.username]}))
            continue
        seen[row.username] = row.where
        errors, values = _check_row(actor, row, units, allowed, existing.get(row.username))
        result.errors.extend((row.where, column, message) for column, message in errors)
        if not errors:
            planned.append((row, values))
    if result.errors:
        return result
    for row, values in planned:
        try:
            _write_account(result, existing.get(row.username), row, values, user_model)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                result.errors.extend((row.where, column, message) for message in messages)
    if result.errors:
        transaction.set_rollback(True)
        result.created, result.updated, result.unchanged = [], [], 0
    return result


def _write_account(result, user, row, values, user_model):
    if user is None:
        user = user_model(username=row.username, **values)
        password = _temporary_password()
        user.set_password(password)
        user.must_change_password = True
        user.full_clean(exclude=["password"])
        user.save()
        result.created.append((user, password))
        return
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if not changed:
        result.unchanged += 1
        return
    for name in changed:
        setattr(user, name, values[name])
    user.full_clean(exclude=["password"])
    user.save()
    result.updated.append(user)
