"""Notices: reminders and events for users, in the portal (the bell) and by e-mail.

``send_notifications`` (the management command of that name, run on a schedule) looks
at recorded data, never at a request: the entry deadlines of the periods, the
workflow events of submissions (``SubmissionEvent``), and whatever the apps above
add through a ``notices.py`` module with ``notice_drafts(today, since)`` (the action
plan's tasks, in ``criteria.notices``). Each notice is unique per (user, kind, key),
the key naming the object and the occasion, so running the command twice sends
nothing twice; e-mails go once per notice (``email_due`` until sent), as each user
chose (``NoticePreference``; absent means yes).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ntm_portal.formats import format_date

from .choices import NoticeKind, Role, SubmissionStatus, WorkflowAction
from .models import (
    Notice,
    NoticePreference,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    User,
)
from .periods import period_terms, prime_terms
from .seeding import _app_modules

log = logging.getLogger(__name__)
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


@dataclass(frozen=True)
class Draft:
    """A notice to create if it does not exist yet."""

    user_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def unread_notices(request):
    """Context processor: the bell's count, queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": lambda: Notice.objects.filter(
        user=user, read_at__isnull=True).count()}


def officers_of(commune_ids):
    return User.objects.filter(role=Role.OFFICER, is_active=True, commune_id__in=commune_ids)


def district_staff():
    return User.objects.filter(is_active=True, role=Role.STAFF)


def unit_staff(staff, district):
    """Of ``staff``, those of the steering unit over ``district``: the district's own, or
    its province's. Staff of another unit are never told of this district's events."""
    return [user for user in staff if user.district_id == district.pk
            or (user.province_id is not None and user.province_id == district.province_id)]


def deadline_drafts(today):
    """Officers whose commune has not handed in: before the deadline, and once it passed."""
    drafts = []
    soon = today + datetime.timedelta(days=settings.NOTIFY_DEADLINE_DAYS_BEFORE)
    passed_since = today - datetime.timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    window = (Q(entry_deadline__gte=passed_since, entry_deadline__lte=soon)
              | Q(unit_settings__entry_deadline__gte=passed_since,
                  unit_settings__entry_deadline__lte=soon))
    periods = list(ReportingPeriod.objects.filter(window).distinct())
    prime_terms(periods)
    for period in periods:
        handed_in = Submission.objects.filter(period=period, status__in=HANDED_IN) \
            .values("commune_id")
        officers = (User.objects.filter(role=Role.OFFICER, is_active=True,
                                        commune__isnull=False)
                    .exclude(commune_id__in=handed_in).select_related("commune"))
        for officer in officers:
            commune = officer.commune
            if not commune.is_valid_on(period.end_date):
                continue
            # The deadline of the officer's unit (its own, else the period's).
            terms = period_terms(period, commune.district_id)
            deadline = terms.entry_deadline
            if terms.is_backfill or not passed_since <= deadline <= soon:
                continue
            url = Submission(commune=commune, period=period).get_absolute_url()
            values = {"period": period.label, "commune": commune.name,
                      "date": format_date(deadline)}
            if deadline >= today:
                drafts.append(Draft(officer.pk, NoticeKind.DEADLINE_SOON, f"period:{period.pk}",
                                    _("%(period)s report of %(commune)s is due on %(date)s")
                                    % values,
                                    _("The report has not been submitted yet. Enter the "
                                      "figures and submit them by %(date)s.") % values, url))
            else:
                drafts.append(Draft(officer.pk, NoticeKind.DEADLINE_PASSED,
                                    f"period:{period.pk}",
                                    _("%(period)s report of %(commune)s is late") % values,
                                    _("The entry deadline (%(date)s) has passed and the report "
                                      "has not been submitted. Submit it as soon as possible "
                                      "or contact the district office.") % values, url))
    return drafts


def event_drafts(since):
    """Submitted → the district's staff; returned (with the comment) or approved → officers."""
    events = list(SubmissionEvent.objects.filter(
        at__gte=since, action__in=[WorkflowAction.SUBMIT, WorkflowAction.RETURN,
                                   WorkflowAction.APPROVE])
        .select_related("submission__commune__district", "submission__period", "user"))
    if not events:
        return []
    officers = {}
    for officer in officers_of({e.submission.commune_id for e in events}):
        officers.setdefault(officer.commune_id, []).append(officer)
    staff = list(district_staff())
    drafts = []
    for event in events:
        submission = event.submission
        values = {"period": submission.period.label, "commune": submission.commune.name,
                  "user": (event.user.get_full_name() or event.user.username) if event.user
                  else "–", "comment": event.comment}
        url = submission.get_absolute_url()
        key = f"event:{event.pk}"
        if event.action == WorkflowAction.SUBMIT:
            recipients, kind = unit_staff(staff, submission.commune.district), NoticeKind.SUBMITTED
            title = _("%(commune)s submitted its %(period)s report") % values
            body = _("Submitted by %(user)s; it waits for your review.") % values
        elif event.action == WorkflowAction.RETURN:
            recipients, kind = officers.get(submission.commune_id, []), NoticeKind.RETURNED
            title = _("%(period)s report of %(commune)s was returned for correction") % values
            body = _("The district's comment: %(comment)s") % values
        else:
            recipients, kind = officers.get(submission.commune_id, []), NoticeKind.APPROVED
            title = _("%(period)s report of %(commune)s was approved") % values
            body = _("Approved by %(user)s; the data is now locked.") % values
        drafts.extend(Draft(user.pk, kind, key, title, body, url)
                      for user in recipients if user.pk != event.user_id)
    return drafts


def collect(today, since):
    drafts = deadline_drafts(today) + event_drafts(since)
    for _label, module in _app_modules("notices"):
        drafts.extend(module.notice_drafts(today, since))
    return drafts


def email_wanted(drafts):
    """{(user_id, kind)} pairs that should not be e-mailed (a saved "no")."""
    users = {d.user_id for d in drafts}
    return set(NoticePreference.objects.filter(user_id__in=users, by_email=False)
               .values_list("user_id", "kind"))


def deliver(drafts, now=None):
    """Create the notices not created yet; returns how many were new."""
    now = now or timezone.now()
    existing = set()
    if drafts:
        existing = set(Notice.objects.filter(
            user_id__in={d.user_id for d in drafts}, key__in={d.key for d in drafts})
            .values_list("user_id", "kind", "key"))
    refused = email_wanted(drafts)
    emails = {u.pk: u.email for u in User.objects.filter(pk__in={d.user_id for d in drafts})}
    created = 0
    for draft in dict.fromkeys(drafts):
        if (draft.user_id, draft.kind, draft.key) in existing:
            continue
        try:
            with transaction.atomic():
                Notice.objects.create(
                    user_id=draft.user_id, kind=draft.kind, key=draft.key,
                    title=draft.title[:255], body=draft.body, url=draft.url[:255], created_at=now,
                    email_due=bool(emails.get(draft.user_id))
                    and (draft.user_id, draft.kind) not in refused)
        except IntegrityError:
            continue  # created meanwhile by another run
        created += 1
    return created


def send_emails(now=None):
    """E-mail every notice still due, once; a failure is logged and retried next run."""
    sent = failed = 0
    for notice in Notice.objects.filter(email_due=True, emailed_at__isnull=True) \
            .select_related("user"):
        link = f"{settings.PORTAL_URL}{notice.url}" if notice.url else settings.PORTAL_URL
        body = "\n\n".join(part for part in (
            notice.body, _("Open in the portal: %(link)s") % {"link": link},
            _("You receive this e-mail because of your notice settings in the NTM portal "
              "(%(link)s).") % {"link": f"{settings.PORTAL_URL}/accounts/notifications/"},
        ) if part)
        try:
            send_mail(notice.title, body, None, [notice.user.email])
        except Exception:  # noqa: BLE001 (SMTP errors vary; the next run retries)
            log.exception("Notice %s could not be e-mailed", notice.pk)
            failed += 1
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=now or timezone.now())
        sent += 1
    return sent, failed


def send_notifications(today=None, now=None):
    """Create the notices due today and e-mail them: {"created": n, "emailed": n, "failed": n}."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    since = now - datetime.timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        created = deliver(collect(today, since), now)
        sent, failed = send_emails(now)
    return {"created": created, "emailed": sent, "failed": failed}
