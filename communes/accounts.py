"""Accounts: the one door for password changes, staff resets and "log out everywhere".

Who may reset whom: an administrator anyone but themselves; district staff the users who are
neither staff nor administrators (officers, committee members, sponsors). A reset sets a random
temporary password, shown once to the one who reset it, and the next sign-in must change it;
every session of that user ends.
"""

import secrets

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core.exceptions import PermissionDenied
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
