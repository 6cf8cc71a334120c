"""Rules for the registries of model residential areas and model gardens.

Counts per quarter come from the records' dates, so a date decides which quarter a
change counts in. A commune officer may only write dates that fall in a quarter
still open for their commune: once a quarter is approved or locked, its counts
cannot move by back-dating a record. District staff correct any date. No date may
lie in the future (the model's own ``clean``). Saves carry a version check. Why dates
decide the counts: docs/DOMAIN.md#model-residential-areas-and-model-gardens.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .choices import Role
from .models import Commune, ReportingPeriod, Submission, registry_date_fields
from .scoping import CHANGE
from .versioning import claim_versions
from .workflow import lock_state



def date_errors(record, commune, user, changed):
    """{field: message} for dates the user may not write for this commune."""
    if user.role != Role.OFFICER:
        return {}
    errors = {}
    for name in registry_date_fields(type(record)):
        day = getattr(record, name)
        if day is None or name not in changed:
            continue
        period = ReportingPeriod.containing(day)
        if period is None:
            errors[name] = _("This date is outside the reporting periods; ask the district "
                             "office to record it.")
            continue
        submission = Submission.objects.filter(commune=commune, period=period).first()
        lock = lock_state(submission or Submission(commune=commune, period=period))
        if lock.locked:
            errors[name] = _("This date falls in %(period)s, which is closed for changes: "
                             "%(reason)s") % {"period": period.label, "reason": lock.reason}
    return errors


def check_change(user, commune):
    """Raise ``PermissionDenied`` unless ``user`` may change ``commune``'s registries."""
    if not Commune.objects.restrict(user, CHANGE).filter(pk=commune.pk).exists():
        raise PermissionDenied(_("Your account may read this commune's registries but not "
                                 "change them."))


def open_area_message(village):
    return _("%(village)s already has a model residential area record in progress: a "
             "commune cannot count more model areas than it has villages. Edit that "
             "record instead.") % {"village": village.name}


def save_record(record, user, expected_version):
    """Save a new record, or an existing one if nobody saved it since the form was loaded.

    The one door of registry writes (pages, API, back office): the user's right to change
    the commune, the version check, the history's author. A second open record for a
    village saved at the same moment (the database's constraint) is a ``ValidationError``
    on ``village``, never a crash.
    """
    check_change(user, record.village.commune)
    record._history_user = user
    try:
        with transaction.atomic():
            if record.pk is None:
                record.version = 1
                record.save()
                return record
            claim_versions(type(record), [(record, expected_version)], _(
                "Someone else saved this record after you opened the form. Nothing of yours "
                "was saved; the form now shows their data."))
            record.save()
    except IntegrityError:
        if record._state.adding:
            record.pk = None
        from .models import ModelArea

        if isinstance(record, ModelArea):
            raise ValidationError({"village": open_area_message(record.village)}) from None
        raise ValidationError(_("Another save of this record happened at the same moment; "
                                "nothing of yours was saved. Reload the page.")) from None
    return record


def save_many(user, villages=(), records=()):
    """Save many villages and registry records at once (the registry workbook), all or none.

    The same door as ``save_record``: the user's right to change every commune touched,
    the history's author, the database's constraints as a ``ValidationError``. New rows
    are inserted in bulk with their history; changed ones updated with the next version.
    Records of ``records`` refer to villages by object, so villages created here come
    first. Returns (created, updated).
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from .models import ModelArea, ModelGarden, Village
    from .signals import data_changed

    villages, records = list(villages), list(records)
    communes = {v.commune_id for v in villages} | {r.village.commune_id for r in records}
    allowed = set(Commune.objects.restrict(user, CHANGE).filter(pk__in=communes)
                  .values_list("pk", flat=True))
    if communes - allowed:
        raise PermissionDenied(_("Your account may not change the registries of a commune "
                                 "in the file."))
    created = updated = 0
    try:
        with transaction.atomic():
            new = [v for v in villages if v.pk is None]
            changed = [v for v in villages if v.pk is not None]
            if new:
                bulk_create_with_history(new, Village, default_user=user)
                # Not every database returns the keys of a bulk insert: read them back.
                keys = {(c, n): pk for c, n, pk in Village.objects.filter(
                    commune_id__in={v.commune_id for v in new}).values_list(
                    "commune_id", "name", "pk")}
                for village in new:
                    village.pk = keys[(village.commune_id, village.name)]
            if changed:
                bulk_update_with_history(changed, Village, ["name", "code"], default_user=user)
            for record in records:
                record.village_id = record.village.pk
            for model in (ModelArea, ModelGarden):
                mine = [r for r in records if isinstance(r, model)]
                fresh = [r for r in mine if r.pk is None]
                stale = [r for r in mine if r.pk is not None]
                if stale:
                    for record in stale:
                        record.version += 1
                    fields = [f.name for f in model._meta.concrete_fields
                              if f.name not in ("id", "village")] + ["village"]
                    # The lapsing of an open record first, so that its successor may open.
                    bulk_update_with_history(stale, model, fields, default_user=user)
                if fresh:
                    for record in fresh:
                        record.version = 1
                    bulk_create_with_history(fresh, model, default_user=user)
                created += len(fresh)
                updated += len(stale)
                if mine:
                    data_changed.send(sender=model)
            created += len(new)
            updated += len(changed)
            if villages:
                data_changed.send(sender=Village)
    except IntegrityError:
        raise ValidationError(_("Another save of these registries happened at the same moment; "
                                "nothing of yours was saved. Upload the file again.")) from None
    return created, updated
