"""Rules for the registries of model residential areas and model gardens.

Counts per quarter come from the records' dates, so a date decides which quarter a
change counts in. A commune officer may only write dates that fall in a quarter
still open for their commune: once a quarter is approved or locked, its counts
cannot move by back-dating a record. District staff correct any date. No date may
lie in the future (the model's own ``clean``). Saves carry a version check.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from .choices import Role
from .models import ReportingPeriod, Submission
from .versioning import claim_versions
from .workflow import lock_state

DATE_FIELDS = ("registered_on", "building_since", "recognised_on", "lapsed_on")


def date_errors(record, commune, user, changed):
    """{field: message} for dates the user may not write for this commune."""
    if user.role != Role.OFFICER:
        return {}
    errors = {}
    for name in DATE_FIELDS:
        day = getattr(record, name, None)
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


def save_record(record, user, expected_version):
    """Save a new record, or an existing one if nobody saved it since the form was loaded."""
    record._history_user = user
    with transaction.atomic():
        if record.pk is None:
            record.version = 1
            record.save()
            return record
        claim_versions(type(record), [(record, expected_version)], _(
            "Someone else saved this record after you opened the form. Nothing of yours was "
            "saved; the form now shows their data."))
        record.save()
    return record
