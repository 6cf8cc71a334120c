"""Saving a commune's quarterly data: all or nothing, with a version check.

Views, the API and the Excel imports call these functions. Each save claims
the submission's next version first (``communes.workflow.bump_version``): a save made
from a form loaded before someone else's save is refused and writes nothing. Writes
are one upsert (INSERT … ON CONFLICT DO UPDATE) of the new and changed rows and one
insert of their history rows, so the number of SQL queries does not grow with the
number of indicators.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.choices import SubmissionStatus, WorkflowAction
from communes.models import Submission, SubmissionEvent
from communes.periods import submission_terms
from communes.signals import data_changed
from communes.versioning import StaleEdit
from communes.workflow import bump_version, bump_versions, check_can_edit
from ntm_portal.formats import NumberParseError, parse_number
from ntm_portal.forms import LONG_TEXT_MAX, text_errors

from . import catalogue
from .aggregates import criteria_set_for
from .models import (
    CriterionAssessment,
    CriterionIndicator,
    CriterionIndicatorValue,
    IndicatorValue,
)
from .validation import check_figures, recent_values_by_commune


def entered_indicators(district):
    """The indicators the communes of ``district`` enter, with its required choices, in
    display order (``criteria.catalogue``: the unit's choice, else the catalogue's)."""
    return catalogue.entered_indicators(district)


def save_figures(submission, user, indicators, inputs, expected_version, check_edit=check_can_edit):
    """Check and save one submission's figures; return {indicator_id: Checked}.

    ``check_edit(submission, user)`` raises ``WorkflowError`` when the user may not write:
    the officer's rule by default; the district import passes its own (staff, drafts).
    """
    batch = [(submission, inputs, expected_version)]
    return save_figures_many(batch, user, indicators, check_edit)[submission.pk]


def save_figures_many(batch, user, indicators, check_edit=check_can_edit):
    """Check and save the figures of several submissions of one period, all or nothing.

    ``batch`` holds (submission, inputs, expected version). Returns {submission id:
    {indicator_id: Checked}}; nothing is saved if any figure has an error, and a stale
    version raises ``StaleEdit`` with nothing saved. A fixed number of queries, whatever
    the number of submissions or indicators.
    """
    for submission, _inputs, _version in batch:
        check_edit(submission, user)
    periods = {submission.period_id for submission, _i, _v in batch}
    assert len(periods) == 1, "one period per batch"
    period = batch[0][0].period
    recent = recent_values_by_commune(period, [s.commune_id for s, _i, _v in batch],
                                      [i.pk for i in indicators])
    results = {}
    for submission, inputs, _version in batch:
        mine = {i.pk: recent.get((submission.commune_id, i.pk), []) for i in indicators}
        results[submission.pk] = check_figures(submission, indicators, inputs, recent=mine)
    if any(c.errors for checked in results.values() for c in checked.values()):
        return results
    with transaction.atomic():
        bump_versions([(submission, version) for submission, _i, version in batch])
        _write_figures([s for s, _i, _v in batch], user, indicators, results)
    return results


def _write_figures(submissions, user, indicators, results):
    """Write checked figures (``results``: {submission id: {indicator id: Checked}})."""
    existing = {(v.submission_id, v.indicator_id): v for v in IndicatorValue.objects.filter(
        submission__in=submissions)}
    created, changed = [], []
    for submission in submissions:
        checked = results[submission.pk]
        for indicator in indicators:
            c = checked[indicator.pk]
            current = existing.get((submission.pk, indicator.pk))
            if current is None:
                if c.value is not None or c.comment:
                    created.append(IndicatorValue(submission=submission, indicator=indicator,
                                                  value=c.value, comment=c.comment))
            elif current.value != c.value or current.comment != c.comment:
                current.value, current.comment = c.value, c.comment
                changed.append(current)
    upsert_with_history(IndicatorValue, created, changed, ["submission", "indicator"],
                        ["value", "comment"], user, submissions)


def upsert_with_history(model, created, changed, unique_fields, update_fields, user,
                        submissions=()):
    """Write ``created`` and ``changed`` rows in one upsert, and their history in one insert.

    ``changed`` rows are existing ones with new field values: they are sent as inserts
    that conflict on ``unique_fields`` and update ``update_fields``, so new and changed
    rows go in one statement, and the database returns every row's id. The history gets
    one row per written row, "+" for a new one and "~" for a change, as simple_history
    would have written them one by one. ``submissions`` (the written submissions) go
    with the ``data_changed`` signal to whoever keeps derived data.
    """
    rows = created + changed
    if not rows:
        return rows
    for row in changed:
        row.pk = None  # one INSERT for all rows; the conflict finds the existing one
    model.objects.bulk_create(rows, update_conflicts=True, unique_fields=unique_fields,
                              update_fields=update_fields)
    history = model.history.model
    now = timezone.now()
    tracked = [field.attname for field in history.tracked_fields]
    history.objects.bulk_create([
        history(history_date=now, history_user=user, history_change_reason="",
                history_type="+" if n < len(created) else "~",
                **{name: getattr(row, name) for name in tracked})
        for n, row in enumerate(rows)])
    data_changed.send(sender=model, submissions=submissions)  # bulk writes send no post_save
    return rows


@dataclass
class CriterionInput:
    criterion: object
    met: str = ""  # "1", "0" or ""
    score_raw: str = ""
    evidence: str = ""
    indicator_raw: dict = None
    errors: list = None


def check_assessments(criteria, inputs):
    """Check the typed assessments: {criterion_id: CriterionInput with parsed values}."""
    result = {}
    for criterion in criteria:
        data = inputs.get(criterion.pk) or CriterionInput(criterion=criterion)
        data.criterion = criterion
        data.errors = []
        data.indicator_raw = data.indicator_raw or {}
        if data.met not in ("", "1", "0"):
            data.errors.append(_("Choose met or not met."))
        data.errors.extend(text_errors(data.evidence, LONG_TEXT_MAX))
        try:
            data.score = parse_number(data.score_raw)
        except NumberParseError:
            data.score = None
            data.errors.append(_("“%(text)s” is not a number.") % {"text": data.score_raw})
        else:
            if data.score is not None and not (0 <= data.score <= 100):
                data.errors.append(_("A score lies between 0 and 100."))
        data.indicator_values = {}
        for indicator_id, raw in data.indicator_raw.items():
            try:
                value = parse_number(raw)
            except NumberParseError:
                data.errors.append(_("“%(text)s” is not a number.") % {"text": raw})
                continue
            if value is not None and value < 0:
                data.errors.append(_("The value cannot be negative."))
            data.indicator_values[indicator_id] = value
        result[criterion.pk] = data
    return result


def save_assessments(submission, user, criteria, inputs, expected_version):
    """Check and save the criteria assessment; nothing is saved if any entry has an error."""
    check_can_edit(submission, user)
    checked = check_assessments(criteria, inputs)
    if any(c.errors for c in checked.values()):
        return checked
    with transaction.atomic():
        bump_version(submission, expected_version)
        _write_assessments(submission, user, criteria, checked)
    return checked


def _write_assessments(submission, user, criteria, checked):
    """Write a checked criteria assessment (``check_assessments``' result)."""
    existing = {a.criterion_id: a for a in CriterionAssessment.objects.filter(submission=submission)}
    created, changed = [], []
    for criterion in criteria:
        c = checked[criterion.pk]
        is_met = {"1": True, "0": False}.get(c.met)
        current = existing.get(criterion.pk)
        if current is None:
            created.append(CriterionAssessment(submission=submission, criterion=criterion,
                                               is_met=is_met, score=c.score, evidence=c.evidence))
        elif (current.is_met, current.score, current.evidence) != (is_met, c.score, c.evidence):
            current.is_met, current.score, current.evidence = is_met, c.score, c.evidence
            changed.append(current)
    upsert_with_history(CriterionAssessment, created, changed, ["submission", "criterion"],
                        ["is_met", "score", "evidence"], user)
    assessments = {**existing, **{a.criterion_id: a for a in created + changed}}
    old_values = {
        (v.assessment_id, v.indicator_id): v
        for v in CriterionIndicatorValue.objects.filter(assessment__submission=submission)
    }
    new_values, changed_values = [], []
    for criterion in criteria:
        assessment = assessments[criterion.pk]
        for indicator_id, value in checked[criterion.pk].indicator_values.items():
            current = old_values.get((assessment.pk, indicator_id))
            if current is None:
                if value is not None:
                    new_values.append(CriterionIndicatorValue(
                        assessment=assessment, indicator_id=indicator_id, value=value))
            elif current.value != value:
                current.value = value
                changed_values.append(current)
    upsert_with_history(CriterionIndicatorValue, new_values, changed_values,
                        ["assessment", "indicator"], ["value"], user)


def save_texts(submission, user, difficulties, proposals, expected_version):
    """Save the difficulties and proposals; ``ValidationError`` (by field) for text the
    boundary refuses, with nothing saved."""
    check_can_edit(submission, user)
    errors = {name: text_errors(text, LONG_TEXT_MAX)
              for name, text in (("difficulties", difficulties), ("proposals", proposals))}
    if any(errors.values()):
        raise ValidationError({name: messages for name, messages in errors.items() if messages})
    with transaction.atomic():
        bump_version(submission, expected_version)
        submission.difficulties = difficulties.strip()
        submission.proposals = proposals.strip()
        submission._history_user = user
        submission.save(update_fields=["difficulties", "proposals", "version", "updated_at"])


@dataclass
class ReportChecked:
    """The outcome of checking a whole report: each section's checked entries."""

    figures: dict
    criteria: dict

    @property
    def has_errors(self):
        return (any(c.errors for c in self.figures.values())
                or any(c.errors for c in self.criteria.values()))


def save_report(submission, user, indicators, figure_inputs, criteria, criteria_inputs,
                texts, expected_version):
    """Check and save a whole quarterly report (figures, criteria, texts) in one step.

    All or nothing: if any section has an error, nothing is written and the checked
    sections come back with their messages. One version claim for the whole report,
    so that a save from a page loaded before someone else's save writes nothing. An
    unsaved submission (nobody saved this quarter yet: ``expected_version`` 0) is
    created here, by the first save that passes the checks; opening the page never
    creates it. ``texts`` is (difficulties, proposals), already through the text boundary.
    """
    check_can_edit(submission, user)
    result = ReportChecked(figures=check_figures(submission, indicators, figure_inputs),
                           criteria=check_assessments(criteria, criteria_inputs))
    if result.has_errors:
        return submission, result
    with transaction.atomic():
        if submission.pk is None:
            submission = create_on_first_save(submission, expected_version, user)
            expected_version = submission.version
        bump_version(submission, expected_version)
        _write_figures([submission], user, indicators, {submission.pk: result.figures})
        _write_assessments(submission, user, criteria, result.criteria)
        difficulties, proposals = (t.strip() for t in texts)
        if (difficulties, proposals) != (submission.difficulties, submission.proposals):
            submission.difficulties, submission.proposals = difficulties, proposals
            submission._history_user = user
            submission.save(update_fields=["difficulties", "proposals", "updated_at"])
    return submission, result


def create_on_first_save(submission, expected_version, user):
    """The draft of an unsaved report, created by its first save; stale if someone was first."""
    if expected_version != 0:
        raise StaleEdit(_("This report changed after you opened the page. Nothing of yours "
                          "was saved: the page now shows the saved data."))
    created, was_created = Submission.objects.get_or_create(
        commune=submission.commune, period=submission.period)
    if not was_created:
        raise StaleEdit(_("Someone else saved this submission after you opened the form. "
                          "Nothing of yours was saved: the page now shows their data; enter "
                          "your changes again."))
    SubmissionEvent.objects.create(submission=created, action=WorkflowAction.CREATE,
                                   to_status=SubmissionStatus.DRAFT, user=user)
    return created


def criteria_for(submission):
    criteria_set = criteria_set_for(submission.period)
    if criteria_set is None:
        return None, []
    criteria = list(criteria_set.all_criteria().prefetch_related("indicators"))
    return criteria_set, criteria


def missing_sections(submission, indicators, criteria):
    """Sections that block submission: required figures and criteria not yet entered."""
    from .models import CriterionAssessment as CA

    required = {i.pk for i in indicators if i.is_required}
    entered = set(IndicatorValue.objects.filter(
        submission=submission, indicator_id__in=required, value__isnull=False
    ).values_list("indicator_id", flat=True))
    assessed = CA.objects.filter(submission=submission, is_met__isnull=False).count()
    missing = []
    if required - entered:
        missing.append(_("Quarterly figures"))
    # A back-filled quarter may leave the assessment empty (the dashboard then says
    # "not assessed"); a live one needs every criterion.
    if criteria and assessed < len(criteria) and not submission_terms(submission).is_backfill:
        missing.append(_("Criteria assessment"))
    return missing


__all__ = ["save_figures", "save_assessments", "save_texts", "save_report", "missing_sections",
           "entered_indicators", "criteria_for", "CriterionIndicator"]
