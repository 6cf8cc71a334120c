"""Criteria, the indicator catalogue, targets, values, assessments and submissions.

Reads are restricted per user (``restrict``); writes and workflow actions call the
functions the web forms call (``criteria.entry``, ``communes.workflow``), so the
rules, the messages and the history are the same. Errors: ``WorkflowError`` → 403
with its message, ``StaleEdit`` → 409, invalid figures → 400 with the form's messages.
"""

import re

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from communes import workflow
from communes.models import Commune, ReportingPeriod, Submission
from communes.scoping import VIEW, is_district_reader, sees_everything, visible_districts
from communes.periods import user_district_id
from criteria import catalogue, entry, excel_import, tasks, unit_entry
from criteria.choices import TaskStatus
from criteria.forms import CriteriaForm, FiguresForm, TextsForm
from criteria.plan_forms import ProgressForm, TaskForm
from criteria.aggregates import APPROVED, APPROVED_OR_SUBMITTED, figures
from criteria.balances import balance_for
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    CriterionIndicator,
    CriterionIndicatorValue,
    DistrictValue,
    Indicator,
    IndicatorValue,
    Target,
    Task,
)
from ntm_portal.api_defaults import IntFilter, PortalFilterSet
from ntm_portal.api import ErrorSerializer, ScopedReadOnlyViewSet, ScopedViewSet, invalid

from . import serializers as s


class CriteriaSetViewSet(ScopedReadOnlyViewSet):
    queryset = CriteriaSet.objects.all()
    serializer_class = s.CriteriaSetSerializer
    filterset_fields = {"code": ["exact"], "level": ["exact"], "parent": ["exact", "isnull"],
                        "valid_from": ["lte", "gte"]}
    ordering_fields = ["valid_from", "code"]


class CriterionFilter(PortalFilterSet):
    criteria_set = IntFilter(field_name="criteria_set")
    criteria_set_code = django_filters.CharFilter(field_name="criteria_set__code")

    class Meta:
        model = Criterion
        fields = ["criteria_set", "criteria_set_code", "number", "group"]


class CriterionViewSet(ScopedReadOnlyViewSet):
    queryset = Criterion.objects.prefetch_related("indicators__group_thresholds")
    serializer_class = s.CriterionSerializer
    filterset_class = CriterionFilter
    ordering_fields = ["number", "criteria_set"]


class CriterionIndicatorFilter(PortalFilterSet):
    criterion = IntFilter(field_name="criterion")
    criteria_set = IntFilter(field_name="criterion__criteria_set")

    class Meta:
        model = CriterionIndicator
        fields = ["criterion", "criteria_set", "code", "is_official"]


class CriterionIndicatorViewSet(ScopedReadOnlyViewSet):
    queryset = CriterionIndicator.objects.prefetch_related("group_thresholds")
    serializer_class = s.CriterionIndicatorSerializer
    filterset_class = CriterionIndicatorFilter
    ordering_fields = ["code"]


class IndicatorFilter(PortalFilterSet):
    # The caller's unit's choices (``criteria.catalogue``), not the catalogue's defaults.
    is_required = django_filters.BooleanFilter(field_name="unit_required")
    is_active = django_filters.BooleanFilter(field_name="unit_used")
    is_headline = django_filters.BooleanFilter(field_name="unit_headline")

    class Meta:
        model = Indicator
        fields = ["code", "programme", "kind", "source", "is_cumulative"]


class IndicatorViewSet(ScopedReadOnlyViewSet):
    """The catalogue with the choices of the caller's unit (its district, or its commune's):
    ``is_active``, ``is_required`` and ``is_headline`` are the unit's where it chose, else
    the catalogue's defaults; province accounts and administrators see the defaults."""

    queryset = Indicator.objects.all()
    serializer_class = s.IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["programme", "position", "code"]

    def get_queryset(self):
        return catalogue.with_unit_choices(super().get_queryset(),
                                           user_district_id(self.request.user))


class TargetFilter(PortalFilterSet):
    indicator = IntFilter(field_name="indicator")
    indicator_code = django_filters.CharFilter(field_name="indicator__code")
    district = IntFilter(field_name="district")
    commune = IntFilter(field_name="commune")
    whole_district = django_filters.BooleanFilter(field_name="commune", lookup_expr="isnull")

    class Meta:
        model = Target
        fields = ["indicator", "indicator_code", "year", "district", "commune", "whole_district"]


class TargetViewSet(ScopedReadOnlyViewSet):
    queryset = Target.objects.select_related("indicator")
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["year", "indicator__code"]


class SubmissionScopedFilter(PortalFilterSet):
    """Filters shared by what hangs off a submission."""

    submission = IntFilter(field_name="submission")
    commune = IntFilter(field_name="submission__commune")
    commune_slug = django_filters.CharFilter(field_name="submission__commune__slug")
    period = IntFilter(field_name="submission__period")
    year = IntFilter(field_name="submission__period__year")
    quarter = IntFilter(field_name="submission__period__quarter")
    status = django_filters.ChoiceFilter(field_name="submission__status",
                                         choices=Submission._meta.get_field("status").choices)


class IndicatorValueFilter(SubmissionScopedFilter):
    indicator = IntFilter(field_name="indicator")
    indicator_code = django_filters.CharFilter(field_name="indicator__code")
    programme = django_filters.CharFilter(field_name="indicator__programme")

    class Meta:
        model = IndicatorValue
        fields = ["submission", "commune", "commune_slug", "period", "year", "quarter", "status",
                  "indicator", "indicator_code", "programme"]


class IndicatorValueViewSet(ScopedReadOnlyViewSet):
    """Figures as saved; write them per submission (``PUT /api/submissions/{id}/values/``)."""

    queryset = IndicatorValue.objects.select_related("indicator", "submission")
    serializer_class = s.IndicatorValueSerializer
    filterset_class = IndicatorValueFilter
    ordering_fields = ["indicator__code", "submission__period__year", "submission__commune__name"]


class AssessmentFilter(SubmissionScopedFilter):
    criterion = IntFilter(field_name="criterion")
    number = IntFilter(field_name="criterion__number")

    class Meta:
        model = CriterionAssessment
        fields = ["submission", "commune", "commune_slug", "period", "year", "quarter", "status",
                  "criterion", "number", "is_met"]


class AssessmentViewSet(ScopedReadOnlyViewSet):
    """Criteria assessments as saved; write them with ``PUT /api/submissions/{id}/assessments/``."""

    queryset = CriterionAssessment.objects.select_related("criterion").prefetch_related(
        Prefetch("indicator_values",
                 queryset=CriterionIndicatorValue.objects.select_related("indicator")))
    serializer_class = s.CriterionAssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["criterion__number", "submission__period__year"]


class SubmissionFilter(PortalFilterSet):
    commune = IntFilter(field_name="commune")
    commune_slug = django_filters.CharFilter(field_name="commune__slug")
    period = IntFilter(field_name="period")
    year = IntFilter(field_name="period__year")
    quarter = IntFilter(field_name="period__quarter")

    class Meta:
        model = Submission
        fields = ["commune", "commune_slug", "period", "year", "quarter", "status",
                  "submitted_late"]


def _errors_by(form, names):
    """The form's messages under the API's names (``names``: form field → API key)."""
    result = {}
    for field, messages in form.errors.items():
        result.setdefault(names.get(field, field), []).extend(str(m) for m in messages)
    return result


def _figures_form(items, allowed, unknown):
    """The API's list of {indicator, value, comment} read by the report page's
    ``FiguresForm``: (indicators, bound valid form, {field name: indicator code} to key the
    service's messages), else a 400 keyed by indicator code.
    ``allowed``: the indicators the caller may send; ``unknown``: the message for others."""
    by_code = {i.code: i for i in allowed}
    problems, indicators, fields = {}, [], {}
    for n, item in enumerate(items):
        indicator = by_code.get(item["indicator"])
        if indicator is None:
            problems[f"values.{n}.indicator"] = [unknown % {"code": item["indicator"]}]
            continue
        if indicator in indicators:
            problems[item["indicator"]] = [_("This indicator is listed twice.")]
            continue
        indicators.append(indicator)
        raw = item.get("value")
        fields[f"value-{indicator.pk}"] = "" if raw is None else raw
        fields[f"comment-{indicator.pk}"] = item.get("comment", "")
    if problems:
        raise invalid(problems)
    form = FiguresForm(indicators, fields)
    names = {f"{part}-{i.pk}": i.code for i in indicators for part in ("value", "comment")}
    if not form.is_valid():
        raise invalid(_errors_by(form, names))
    return indicators, form, names


def errors(*codes):
    return {code: OpenApiResponse(ErrorSerializer) for code in codes}


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Quarterly submissions, their data and their review workflow."""

    queryset = Submission.objects.select_related("commune", "period").prefetch_related(
        "period__unit_settings")  # the unit's terms of each period, one query for the page
    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["updated_at", "period__year", "period__quarter", "commune__name", "status"]

    def get_serializer_class(self):
        return {
            "create": s.SubmissionCreateSerializer, "values": s.ValuesInputSerializer,
            "assessments": s.AssessmentsInputSerializer, "texts": s.VersionSerializer,
            "submit": s.VersionSerializer, "approve": s.CommentSerializer,
            "return_": s.CommentSerializer, "reopen": s.CommentSerializer,
            "import_": s.ImportUploadSerializer,
        }.get(self.action, s.SubmissionSerializer)

    def _input(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _done(self, submission, code=status.HTTP_200_OK):
        submission.refresh_from_db()
        return Response(s.SubmissionSerializer(submission, context={"request": self.request}).data,
                        status=code)

    @extend_schema(request=s.SubmissionCreateSerializer,
                   responses={200: s.SubmissionSerializer, 201: s.SubmissionSerializer,
                              **errors(400, 403)},
                   description="Open (or find) the commune's submission for a period: the "
                               "commune's officer only.")
    def create(self, request):
        data = self._input()
        commune = Commune.objects.restrict(request.user, VIEW).filter(pk=data["commune"]).first()
        period = ReportingPeriod.objects.restrict(request.user, VIEW).filter(
            pk=data["period"]).first()
        problems = {}
        if commune is None:
            problems["commune"] = [_("Unknown commune.")]
        if period is None:
            problems["period"] = [_("Unknown reporting period.")]
        if problems:
            raise invalid(problems)
        workflow.check_enters_figures(request.user, commune)
        existed = Submission.objects.filter(commune=commune, period=period).exists()
        submission = workflow.get_or_create_submission(commune, period)
        return self._done(submission, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=s.ValuesInputSerializer,
                   responses={200: s.ValuesResultSerializer, **errors(400, 403, 404, 409)},
                   description="Save figures, all or nothing. Only the indicators listed change; "
                               "a null or empty value clears one. `version` is the submission's "
                               "version as read: a stale one is refused (409).")
    @action(detail=True, methods=["put"])
    def values(self, request, pk=None):
        submission = self.get_object()
        workflow.check_can_edit(submission, request.user)
        data = self._input()
        # The web page's form reads the figures: one input boundary for both.
        indicators, form, names = _figures_form(
            data["values"], entry.entered_indicators(submission.commune.district_id),
            _("Unknown indicator “%(code)s”, or one that communes do not enter."))
        checked = entry.save_figures(submission, request.user, indicators, form.inputs(),
                                     data["version"])
        form.add_checked(checked)
        failed = _errors_by(form, names)
        if failed:
            raise invalid(failed, _("Nothing was saved: %(n)s figure(s) need correcting.")
                          % {"n": sum(len(v) for v in failed.values())})
        return Response({"version": submission.version, "values": [
            {"indicator": i.code, "value": checked[i.pk].value, "comment": checked[i.pk].comment,
             "warnings": [str(w) for w in checked[i.pk].warnings]} for i in indicators]})

    @extend_schema(request=s.AssessmentsInputSerializer,
                   responses={200: s.SubmissionSerializer, **errors(400, 403, 404, 409)},
                   description="Save criteria assessments, all or nothing; criteria by number.")
    @action(detail=True, methods=["put"])
    def assessments(self, request, pk=None):
        submission = self.get_object()
        workflow.check_can_edit(submission, request.user)
        data = self._input()
        _set, criteria = entry.criteria_for(submission)
        by_number = {c.number: c for c in criteria}
        problems, chosen, fields, names, given = {}, [], {}, {}, {}
        for n, item in enumerate(data["assessments"]):
            criterion = by_number.get(item["criterion"])
            if criterion is None or criterion in chosen:
                problems[f"assessments.{n}.criterion"] = [
                    _("Unknown or repeated criterion number %(n)s.") % {"n": item["criterion"]}]
                continue
            codes = {ind.code: ind.pk for ind in criterion.indicators.all()}
            given[criterion.pk] = set()
            for code, raw in item["indicators"].items():
                if code not in codes:
                    problems[f"assessments.{n}.indicators.{code}"] = [_("Unknown indicator.")]
                    continue
                fields[f"ind-{codes[code]}"] = "" if raw is None else raw
                names[f"ind-{codes[code]}"] = f"assessments.{n}.indicators.{code}"
                given[criterion.pk].add(codes[code])
            score = item.get("score")
            fields[f"met-{criterion.pk}"] = {True: "1", False: "0", None: ""}[item["is_met"]]
            fields[f"score-{criterion.pk}"] = "" if score is None else score
            fields[f"evidence-{criterion.pk}"] = item["evidence"]
            for part in ("met", "score", "evidence"):
                names[f"{part}-{criterion.pk}"] = f"criterion.{criterion.number}"
            chosen.append(criterion)
        if problems:
            raise invalid(problems)
        # The web page's form reads the assessments: one input boundary for both.
        form = CriteriaForm(chosen, fields)
        if not form.is_valid():
            raise invalid(_errors_by(form, names))
        inputs = form.inputs()
        for criterion_id, typed in inputs.items():
            # Only the indicators listed change; the form has a field for each of them.
            typed.indicator_raw = {k: v for k, v in typed.indicator_raw.items()
                                   if k in given[criterion_id]}
        checked = entry.save_assessments(submission, request.user, chosen, inputs,
                                         data["version"])
        form.add_checked(checked)
        failed = _errors_by(form, names)
        if failed:
            raise invalid(failed, _("Nothing was saved: correct the criteria marked."))
        return self._done(submission)

    @extend_schema(request=s.TextsInputSerializer,
                   responses={200: s.SubmissionSerializer, **errors(400, 403, 404, 409)},
                   description="Save the difficulties and proposals.")
    @action(detail=True, methods=["put"])
    def texts(self, request, pk=None):
        submission = self.get_object()
        workflow.check_can_edit(submission, request.user)
        data = self._input()  # the version; the texts are read by the web page's form
        fields, problems = {}, {}
        for name in ("difficulties", "proposals"):
            raw = request.data.get(name)
            if not isinstance(raw, str):
                problems[name] = [_("Type text here.")]
            else:
                fields[name] = raw
        if problems:
            raise invalid(problems)
        form = TextsForm(fields)
        if not form.is_valid():
            raise invalid(_errors_by(form, {}))
        entry.save_texts(submission, request.user, form.cleaned_data["difficulties"],
                         form.cleaned_data["proposals"], data["version"])
        return self._done(submission)

    @extend_schema(responses={200: s.SubmissionSerializer, **errors(400, 403, 404, 409)},
                   description="Hand the submission in (its officer); refused while required "
                               "sections are incomplete.")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = self.get_object()
        workflow.check_can_edit(submission, request.user)
        data = self._input()
        if data["version"] != submission.version:
            raise workflow.StaleEdit(_("Someone else saved this submission after you opened the "
                                       "page; check the data below, then submit again."))
        indicators = entry.entered_indicators(submission.commune.district_id)
        _set, criteria = entry.criteria_for(submission)
        workflow.submit(submission, request.user,
                        entry.missing_sections(submission, indicators, criteria))
        return self._done(submission)

    @extend_schema(responses={200: s.SubmissionSerializer, **errors(400, 403, 404)},
                   description="Approve and lock (district staff).")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        submission = self.get_object()
        workflow.approve(submission, request.user, self._input()["comment"])
        return self._done(submission)

    @extend_schema(responses={200: s.SubmissionSerializer, **errors(400, 403, 404)},
                   description="Return for correction with a comment (district staff).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        submission = self.get_object()
        workflow.return_for_correction(submission, request.user, self._input()["comment"])
        return self._done(submission)

    @extend_schema(responses={200: s.SubmissionSerializer, **errors(400, 403, 404)},
                   description="Reopen for the commune, with the reason as comment (district "
                               "staff).")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        submission = self.get_object()
        workflow.reopen(submission, request.user, self._input()["comment"])
        return self._done(submission)

    @extend_schema(request={"multipart/form-data": s.ImportUploadSerializer},
                   responses={200: s.SubmissionSerializer, 400: s.ImportResultSerializer,
                              **errors(403, 404, 409)},
                   description="Import the figures from the commune's Excel template "
                               "(all or nothing; the errors name sheet and cell).")
    @action(detail=True, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser, FormParser])
    def import_(self, request, pk=None):
        submission = self.get_object()
        workflow.check_can_edit(submission, request.user)
        refused = excel_import.request_too_large(request)
        if refused:
            raise invalid({"file": [refused]})
        upload = self._input()["file"]
        result = excel_import.import_commune(submission, request.user, upload)
        if result.errors:
            return Response({"detail": result.summary(), "errors": [
                {"sheet": e.sheet, "cell": e.cell, "message": str(e.message)}
                for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return self._done(submission)


class PeriodFiguresView(APIView):
    """The period's figures for every catalogue indicator, within the user's scope."""

    @extend_schema(
        parameters=[OpenApiParameter("include_submitted", bool, description=(
            "Count submissions waiting for review too (default: approved only).")),
            OpenApiParameter("commune", int, description="One commune in your scope.")],
        responses={200: s.FigureSerializer(many=True), **errors(400, 404)})
    def get(self, request, pk):
        period = get_object_or_404(ReportingPeriod.objects.restrict(request.user, VIEW), pk=pk)
        communes = Commune.objects.restrict(request.user, VIEW)
        commune = request.query_params.get("commune")
        if commune is not None:
            if not re.fullmatch(r"[0-9]{1,18}", commune):
                raise invalid({"commune": [_("Type a commune id.")]})
            communes = communes.filter(pk=int(commune))
            if not communes.exists():
                raise invalid({"commune": [_("Unknown commune.")]})
            scope = [int(commune)]
        elif sees_everything(request.user):
            scope = None
        else:
            scope = communes  # the user's unit (or communes), as a subquery
        include = request.query_params.get("include_submitted", "").lower() in ("1", "true", "yes")
        # A district's own readers get its figures as the dashboard shows them, the unit's
        # opening balance included; a commune, a sponsor's communes or several districts not.
        whole_district = (commune is None and request.user.district_id
                          and is_district_reader(request.user))
        # The caller's unit's indicators (province accounts, administrators: the defaults).
        indicators = catalogue.effective_indicators(user_district_id(request.user))
        result = figures(period, communes=scope,
                         statuses=APPROVED_OR_SUBMITTED if include else APPROVED,
                         balance=balance_for(request.user.district) if whole_district else None,
                         indicators=indicators)
        rows = [{"code": i.code, "name": i.name, "unit": i.unit, "programme": i.programme,
                 "kind": i.kind, "quarter": result[i.code].quarter,
                 "previous": result[i.code].previous, "ytd": result[i.code].ytd,
                 "cumulative": result[i.code].cumulative} for i in indicators]
        return Response(s.FigureSerializer(rows, many=True).data)


class TaskFilter(PortalFilterSet):
    commune = IntFilter(field_name="commune")
    commune_slug = django_filters.CharFilter(field_name="commune__slug")
    criterion = IntFilter(field_name="criterion")
    criterion_number = IntFilter(field_name="criterion__number")
    state = django_filters.ChoiceFilter(
        choices=[("overdue", "overdue"), *TaskStatus.choices], method="filter_state",
        label="status as of today (overdue is computed)")

    class Meta:
        model = Task
        fields = ["commune", "commune_slug", "criterion", "criterion_number", "owner_kind",
                  "owner_unit", "status", "state"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == TaskStatus.DONE:
            return queryset.filter(status=value)
        return queryset.filter(status=value, due_date__gte=today)


@extend_schema_view(
    create=extend_schema(request=s.TaskInputSerializer,
                         responses={201: s.TaskSerializer, 200: s.TaskSerializer,
                                    **{c: OpenApiResponse(ErrorSerializer) for c in (400, 403)}}),
    update=extend_schema(request=s.TaskInputSerializer,
                         responses={200: s.TaskSerializer,
                                    **{c: OpenApiResponse(ErrorSerializer)
                                       for c in (400, 403, 404, 409)}}))
class TaskViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """The action plan. Staff create (POST) and change tasks; a task's owner updates its
    progress (PUT with ``version``). Writes go through ``criteria.tasks``."""

    queryset = Task.objects.select_related("commune", "criterion", "owner_unit")
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["due_date", "status", "commune", "criterion"]
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update"):
            return s.TaskInputSerializer
        return s.TaskSerializer

    def _form(self, form_class, serializer, **kwargs):
        data = {k: "" if v is None else str(v) for k, v in serializer.validated_data.items()}
        form = form_class(data=data, **kwargs)
        if not form.is_valid():
            raise invalid({field: list(messages) for field, messages in form.errors.items()})
        return form

    def _output(self, task, code):
        return Response(s.TaskSerializer(task, context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        if not tasks.can_create(request.user):
            raise workflow.WorkflowError(_("Only district staff create and assign tasks."))
        serializer = s.TaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = self._form(TaskForm, serializer, user=request.user, new=True)
        task, created = tasks.create_task(request.user, form.task_data(),
                                          form.cleaned_data.get("creation_key") or None)
        return self._output(task, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request, *args, **kwargs):
        task = self.get_object()
        fields = tasks.editable_fields(request.user, task)
        if not fields:
            raise workflow.WorkflowError(_("You may read this task but not change it: only "
                                           "district staff and the task's owner update it."))
        serializer = s.TaskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extra = set(serializer.validated_data) - set(fields) - {"version", "creation_key"}
        if extra:
            raise workflow.WorkflowError(_("Your account may only update the progress of this "
                                           "task (status, notes, evidence)."))
        if "title" in fields:
            form = self._form(TaskForm, serializer, user=request.user)
        else:
            form = self._form(ProgressForm, serializer)
        tasks.update_task(task, request.user, form.task_data(), form.cleaned_data["version"])
        return self._output(task, status.HTTP_200_OK)


class DistrictFiguresView(APIView):
    """The figures a district's staff enter for the whole district in one quarter.

    Read by the unit; written by its staff while the period is open, through the web
    page's form (``FiguresForm``) and service (``criteria.unit_entry``): the same rules,
    lock, version and history. Another unit's district is 404.
    """

    def _load(self, request, district, year, quarter):
        unit = visible_districts(request.user).filter(slug=district).first()
        if unit is None:
            raise Http404
        period = get_object_or_404(ReportingPeriod, year=int(year), quarter=int(quarter))
        return unit, period

    def _answer(self, unit, period):
        report = unit_entry.report_for(unit, period)
        saved = {v.indicator_id: v for v in DistrictValue.objects.filter(report=report)} \
            if report.pk else {}
        values = []
        for indicator in unit_entry.district_indicators(unit):
            row = saved.get(indicator.pk)
            values.append({"indicator": indicator.code, "value": row.value if row else None,
                           "comment": row.comment if row else ""})
        return Response(s.DistrictFiguresSerializer({
            "district": unit.slug, "period": period.label, "version": report.version,
            "is_locked": unit_entry.district_lock(period, unit).locked, "values": values}).data)

    @extend_schema(responses={200: s.DistrictFiguresSerializer, **errors(404)})
    def get(self, request, district, year, quarter):
        return self._answer(*self._load(request, district, year, quarter))

    @extend_schema(request=s.DistrictValuesInputSerializer,
                   responses={200: s.DistrictFiguresSerializer, **errors(400, 403, 404, 409)},
                   description="Save the district's figures, all or nothing. Only the "
                               "indicators listed change; a null or empty value clears one. "
                               "`version` as read: a stale one is refused (409).")
    def put(self, request, district, year, quarter):
        unit, period = self._load(request, district, year, quarter)
        unit_entry.check_can_edit_district(request.user, unit, period)
        serializer = s.DistrictValuesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        indicators, form, names = _figures_form(
            data["values"], unit_entry.district_indicators(unit),
            _("Unknown indicator “%(code)s”, or one that district staff do not enter."))
        report = unit_entry.report_for(unit, period)
        checked = unit_entry.save_district_figures(report, request.user, indicators,
                                                   form.inputs(), data["version"])
        form.add_checked(checked)
        failed = _errors_by(form, names)
        if failed:
            raise invalid(failed, _("Nothing was saved: %(n)s figure(s) need correcting.")
                          % {"n": sum(len(v) for v in failed.values())})
        return self._answer(unit, period)
