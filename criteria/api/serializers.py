from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ntm_portal.api import text_field
from ntm_portal.forms import COMMENT_MAX, LONG_TEXT_MAX

from communes import workflow
from communes.models import Submission
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    CriterionIndicator,
    CriterionIndicatorThreshold,
    CriterionIndicatorValue,
    Indicator,
    IndicatorValue,
    Target,
    Task,
)
from ntm_portal.forms import SHORT_TEXT_MAX, validate_plain_text


class CriteriaSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriteriaSet
        fields = ["id", "code", "name", "legal_basis", "level", "valid_from", "valid_to", "parent",
                  "thresholds_by_group"]


class CriterionIndicatorThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionIndicatorThreshold
        fields = ["group", "threshold", "direction", "requirement", "is_official"]


class CriterionIndicatorSerializer(serializers.ModelSerializer):
    # Thresholds by commune group, for a set with ``thresholds_by_group`` (2026–2030).
    group_thresholds = CriterionIndicatorThresholdSerializer(many=True, read_only=True)

    class Meta:
        model = CriterionIndicator
        fields = ["id", "criterion", "code", "name", "unit", "requirement", "threshold",
                  "direction", "is_official", "group_thresholds"]


class CriterionSerializer(serializers.ModelSerializer):
    indicators = CriterionIndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "criteria_set", "number", "group", "name_vi", "name_en", "indicators"]


class IndicatorSerializer(serializers.ModelSerializer):
    # The caller's unit's choices (annotated by ``criteria.catalogue.with_unit_choices``).
    is_required = serializers.BooleanField(source="unit_required", read_only=True)
    is_active = serializers.BooleanField(source="unit_used", read_only=True)
    is_headline = serializers.BooleanField(source="unit_headline", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "name_vi", "name_en", "unit_vi", "unit_en", "programme", "kind",
                  "source", "decimals", "min_value", "max_value", "is_required", "is_cumulative",
                  "position", "is_active", "is_headline", "description"]


class TargetSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "indicator", "indicator_code", "year", "district", "commune", "low",
                  "high", "note"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    commune = serializers.IntegerField(source="submission.commune_id", read_only=True)
    period = serializers.IntegerField(source="submission.period_id", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "submission", "commune", "period", "indicator", "indicator_code", "value",
                  "comment"]


class CriterionIndicatorValueSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = CriterionIndicatorValue
        fields = ["indicator", "code", "value"]


class CriterionAssessmentSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="criterion.number", read_only=True)
    indicator_values = CriterionIndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = CriterionAssessment
        fields = ["id", "submission", "criterion", "number", "is_met", "score", "evidence",
                  "indicator_values"]


class LockSerializer(serializers.Serializer):
    locked = serializers.BooleanField()
    reason = serializers.CharField()


class SubmissionSerializer(serializers.ModelSerializer):
    lock = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "commune", "period", "status", "version", "difficulties", "proposals",
                  "submitted_at", "submitted_late", "reviewed_at", "review_comment",
                  "reopened_at", "reopen_reason", "updated_at", "lock", "editable", "url"]
        read_only_fields = fields

    @extend_schema_field(LockSerializer)
    def get_lock(self, submission):
        lock = workflow.lock_state(submission)
        return {"locked": lock.locked, "reason": str(lock.reason)}

    def get_editable(self, submission) -> bool:
        request = self.context.get("request")
        return bool(request) and workflow.can_edit(submission, request.user)


class SubmissionCreateSerializer(serializers.Serializer):
    commune = serializers.IntegerField(min_value=1)
    period = serializers.IntegerField(min_value=1)


@extend_schema_field(OpenApiTypes.STR)
class NumberInputField(serializers.Field):
    """A figure as typed: "4.054", "12,5", a JSON number, or null/"" for blank."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            raise serializers.ValidationError(_("Type a number."))
        if isinstance(data, (int, float)):
            # A JSON number keeps its decimal point: written with the Vietnamese decimal comma
            # so that 4.054 (a float) is not read as four thousand and fifty-four.
            text = format(Decimal(str(data)), "f")
            return text.replace(".", ",")
        if isinstance(data, str):
            if len(data) > 50:
                raise serializers.ValidationError(_("The value is too long."))
            return data
        raise serializers.ValidationError(_("Type a number."))

    def to_representation(self, value):
        return value


class ValueInputSerializer(serializers.Serializer):
    indicator = text_field(60, help_text="Indicator code, e.g. ntm-houses-renovated")
    value = NumberInputField(required=False)
    comment = text_field(COMMENT_MAX, required=False, allow_blank=True, default="")


class ValuesInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text="The submission's version as read.")
    values = ValueInputSerializer(many=True, allow_empty=False, max_length=500)


class DistrictValuesInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0,
                                       help_text="The district figures' version as read.")
    values = ValueInputSerializer(many=True, allow_empty=False, max_length=500)


class DistrictValueSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class DistrictFiguresSerializer(serializers.Serializer):
    district = serializers.CharField()
    period = serializers.CharField()
    version = serializers.IntegerField()
    is_locked = serializers.BooleanField()
    values = DistrictValueSerializer(many=True)


class CheckedValueSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    warnings = serializers.ListField(child=serializers.CharField())


class ValuesResultSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    values = CheckedValueSerializer(many=True)


class AssessmentInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1, help_text="Criterion number in the set "
                                                                "in force for the period.")
    is_met = serializers.BooleanField(allow_null=True, required=False, default=None)
    score = NumberInputField(required=False)
    evidence = text_field(LONG_TEXT_MAX, required=False, allow_blank=True, default="")
    indicators = serializers.DictField(child=NumberInputField(), required=False, default=dict,
                                       help_text="Criterion indicator code → value, "
                                                 'e.g. {"2.1": "85"}.')


class AssessmentsInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    assessments = AssessmentInputSerializer(many=True, allow_empty=False, max_length=100)


class TextsInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    difficulties = text_field(LONG_TEXT_MAX, allow_blank=True)
    proposals = text_field(LONG_TEXT_MAX, allow_blank=True)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)


class CommentSerializer(serializers.Serializer):
    comment = text_field(LONG_TEXT_MAX, allow_blank=True, required=False, default="")


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    programme = serializers.CharField()
    kind = serializers.CharField()
    quarter = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    previous = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    ytd = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    cumulative = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    cell = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportErrorSerializer(many=True)


class TaskSerializer(serializers.ModelSerializer):
    """A task of the action plan; ``state`` is its status as of today ("overdue" computed)."""

    state = serializers.SerializerMethodField()
    owner_name = serializers.CharField(read_only=True)
    commune_slug = serializers.CharField(source="commune.slug", read_only=True, default=None)
    criterion_number = serializers.IntegerField(source="criterion.number", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "district", "commune", "commune_slug", "criterion", "criterion_number",
                  "title", "owner_kind", "owner_department", "owner_unit", "owner_name",
                  "due_date", "status", "state", "done_on", "notes", "evidence", "version",
                  "created_at", "updated_at"]

    def get_state(self, task) -> str:
        return task.state()


class TaskInputSerializer(serializers.Serializer):
    """What the task forms take; the form then checks it as on the web. Staff send every
    field; a task's owner sends ``version``, ``status``, ``notes`` and ``evidence``."""

    commune = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                       allow_null=True)
    criterion = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    title = serializers.CharField(max_length=SHORT_TEXT_MAX, required=False,
                                  validators=[validate_plain_text])
    owner_kind = serializers.CharField(max_length=12, required=False)
    owner_department = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                             validators=[validate_plain_text])
    owner_unit = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                          allow_null=True)
    due_date = serializers.CharField(max_length=20, required=False,
                                     help_text="dd/mm/yyyy or yyyy-mm-dd")
    status = serializers.CharField(max_length=12, required=False)
    notes = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True,
                                  validators=[validate_plain_text])
    evidence = serializers.CharField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True,
                                     validators=[validate_plain_text])
    version = serializers.IntegerField(min_value=0, required=False,
                                       help_text="Required to change a task: its version as read.")
    creation_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text="Any unique string; a repeated creation with the same key returns the first "
                  "task instead of creating another.")
