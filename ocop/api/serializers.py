from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ntm_portal.api import text_field
from ntm_portal.forms import SHORT_TEXT_MAX

from ocop.choices import PrePoint, Status
from ocop.models import PreAssessment, Producer, Product, ProductGroup, Rating


class ProductGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductGroup
        fields = ["id", "name", "code", "order", "description"]


class ProducerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Producer
        fields = ["id", "name", "kind", "commune", "contact"]


class PreAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreAssessment
        fields = [name for point in PrePoint for name in (f"{point.value}_met", f"{point.value}_note")] \
            + ["assessed_by", "assessed_on"]


class ProductSerializer(serializers.ModelSerializer):
    stars = serializers.IntegerField(source="cert_stars", read_only=True, allow_null=True,
                                     help_text="Stars of the latest rating (None if never rated).")
    certificate_valid_until = serializers.DateField(source="cert_valid_until", read_only=True,
                                                    allow_null=True)
    status = serializers.SerializerMethodField()
    pre_assessment = PreAssessmentSerializer(read_only=True, allow_null=True,
                                             help_text="The commune's pre-assessment (Decision 1489).")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "slug", "producer", "commune", "group", "description", "year",
                  "target_stars", "stage", "procedure", "registered_on", "version", "stars",
                  "certificate_valid_until", "status", "pre_assessment", "url"]

    @extend_schema_field(serializers.ChoiceField(choices=Status.values))
    def get_status(self, product):
        return str(product.status())


class RatingSerializer(serializers.ModelSerializer):
    commune = serializers.IntegerField(source="product.commune_id", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "product", "commune", "score", "stars", "level", "decision_number",
                  "decision_date", "valid_until", "note"]


class RegisterInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    registered_on = serializers.CharField(max_length=20, help_text="dd/mm/yyyy or yyyy-mm-dd")


class ProposeInputSerializer(serializers.Serializer):
    """The five points, each "yes" (met) or "no" (not met), with a note; the web's
    ``PreAssessmentForm`` validates them, so a missing point gets the same message."""

    version = serializers.IntegerField(min_value=0)
    origin_met = serializers.CharField(max_length=5, required=False, allow_blank=True)
    origin_note = text_field(255, required=False, allow_blank=True, default="")
    materials_met = serializers.CharField(max_length=5, required=False, allow_blank=True)
    materials_note = text_field(255, required=False, allow_blank=True, default="")
    labour_met = serializers.CharField(max_length=5, required=False, allow_blank=True)
    labour_note = text_field(255, required=False, allow_blank=True, default="")
    idea_met = serializers.CharField(max_length=5, required=False, allow_blank=True)
    idea_note = text_field(255, required=False, allow_blank=True, default="")
    identity_met = serializers.CharField(max_length=5, required=False, allow_blank=True)
    identity_note = text_field(255, required=False, allow_blank=True, default="")


class RateInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    score = serializers.CharField(max_length=20, help_text='0–100, e.g. "72,5"')
    level = serializers.CharField(max_length=20)
    decision_number = text_field(50)
    decision_date = serializers.CharField(max_length=20, help_text="dd/mm/yyyy or yyyy-mm-dd")
    note = text_field(SHORT_TEXT_MAX, required=False, allow_blank=True, default="")
