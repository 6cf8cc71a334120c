"""Optimistic locking: every editable record carries a version; a stale save writes nothing.

One conditional UPDATE claims the next version of every record of a save; the
database makes it atomic, so of two saves made from forms loaded at the same version
exactly one wins. Submissions (``communes.workflow``), registry records
(``communes.registry``) and OCOP products (``ocop.lifecycle``) all claim through here.
"""

from functools import reduce
from operator import or_

from django.db.models import F, Q


class StaleEdit(Exception):
    """The form was loaded before someone else saved: nothing was written."""


def claim_versions(model, claims, message, **also):
    """Claim the next version of every (record, expected version), or raise ``StaleEdit``.

    Call inside the saving transaction, which the error rolls back, so that a batch is
    claimed whole or not at all. ``also`` are fields updated in the same statement.
    """
    condition = reduce(or_, (Q(pk=record.pk, version=expected) for record, expected in claims))
    if model.objects.filter(condition).update(version=F("version") + 1, **also) != len(claims):
        raise StaleEdit(message)
    for record, expected in claims:
        record.version = expected + 1
