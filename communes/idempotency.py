"""Idempotent creation: a create posted twice makes one object, and the second answer
leads to it. One mechanism for every create form and API create.

A create form carries a one-time key (``OnceField``, a random hidden value); an API
client sends the ``Idempotency-Key`` header. ``create_once`` claims the key in the same
transaction as the creation, under a unique constraint: of two posts with one key,
sequential or concurrent, one creates and the other waits for it (PostgreSQL holds the
second insert of the key until the first commits), then finds the object created.
A creation refused (invalid input) rolls its claim back, so the corrected form, with the
same key, can be posted again.
"""

import re
import uuid

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import CreationClaim

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
HEADER = "Idempotency-Key"


def new_key():
    return uuid.uuid4().hex


class OnceField(forms.CharField):
    """The hidden one-time key of a create form (a fresh one each time the form is shown)."""

    is_text = False  # a key, checked by its pattern

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not KEY_PATTERN.match(value):
            raise ValidationError(_("This form is damaged: reload the page."), code="once")


class OnceMixin(forms.Form):
    """Adds the one-time key ``once`` to a create form."""

    once = OnceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("once", new_key())

    def clean_once(self):
        key = self.cleaned_data.get("once")
        user = getattr(self, "user", None)
        if key and CreationClaim.objects.filter(key=key).exclude(user=user).exists():
            raise ValidationError(_("This form was already used; reload the page."), code="once")
        return key

    def posted_key(self):
        return self.data.get(self.add_prefix("once")) if self.is_bound else None

    def created_before(self, user):
        """What an earlier post of this very form created, or None."""
        return created_before(self.posted_key(), user)

    def create_once(self, user, create):
        """``create_once`` with this form's key (after ``is_valid``)."""
        return create_once(self.cleaned_data.get("once"), user, create)


def created_before(key, user):
    """The object already created with ``key`` by ``user``, or None.

    Asked before the input is validated: the second post of a form that created a
    record would otherwise be refused by the rule the first one made true (a village's
    record already in progress).
    """
    if not key or not isinstance(key, str) or not KEY_PATTERN.match(key):
        return None
    claim = (CreationClaim.objects.filter(key=key, user=user, object_id__isnull=False)
             .select_related("content_type").first())
    return claim.target if claim else None


def header_key(request):
    """The API's ``Idempotency-Key`` header, or None; a malformed one is a 400."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.match(key):
        raise ValidationError({HEADER: [_("Use 8 to 64 letters, digits, “-” or “_”.")]})
    return key


def create_once(key, user, create):
    """Run ``create()`` once per ``key``; return (object, created).

    Without a key, simply creates. ``create`` runs inside the claim's transaction; its
    exceptions pass through (and free the key).
    """
    if not key:
        return create(), True
    try:
        with transaction.atomic():
            claim = CreationClaim.objects.create(key=key, user=user)
            obj = create()
            claim.content_type = ContentType.objects.get_for_model(obj)
            claim.object_id = obj.pk
            claim.save(update_fields=["content_type", "object_id"])
            return obj, True
    except IntegrityError:
        claim = CreationClaim.objects.filter(key=key).first()
        if claim is None:
            raise  # not the key: the creation's own conflict, for the caller
        if claim.user_id != user.pk or claim.target is None:
            raise ValidationError(_("This form was already used; reload the page.")) from None
        return claim.target, False
