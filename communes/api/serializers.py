import datetime

from rest_framework import serializers

from ntm_portal.api import text_field
from ntm_portal.forms import SHORT_TEXT_MAX

from communes.models import Commune, District, ModelArea, ModelGarden, ReportingPeriod, Village
from communes.periods import period_terms, user_district_id


class DistrictSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.name", read_only=True,
                                     help_text="The province's name.")
    province_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = District
        fields = ["id", "name", "slug", "province", "province_id", "code", "valid_from",
                  "valid_to"]


class CommuneSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(read_only=True, allow_null=True,
                                     help_text="NTM level today: 0 not yet, 1 standard, "
                                               "2 advanced, 3 model.")
    level_year = serializers.IntegerField(read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Commune
        fields = ["id", "district", "kind", "name", "slug", "code", "valid_from", "valid_to",
                  "level", "level_year", "url"]


class VillageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "commune", "name", "is_invented", "valid_from", "valid_to"]


class ReportingPeriodSerializer(serializers.ModelSerializer):
    """A period with the terms of the caller's unit (``communes.periods.period_terms``):
    its own deadline, grace days and back-fill where it set them, else the period's."""

    label = serializers.CharField(read_only=True)
    entry_deadline = serializers.SerializerMethodField()
    grace_days = serializers.SerializerMethodField()
    is_backfill = serializers.SerializerMethodField()
    lock_date = serializers.SerializerMethodField()
    is_locked = serializers.SerializerMethodField()

    class Meta:
        model = ReportingPeriod
        fields = ["id", "year", "quarter", "label", "entry_deadline", "grace_days", "is_backfill",
                  "lock_date", "is_locked"]

    def _terms(self, period):
        cache = self.context.setdefault("period_terms", {})
        if period.pk not in cache:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            cache[period.pk] = period_terms(period, user_district_id(user))
        return cache[period.pk]

    def get_entry_deadline(self, period) -> datetime.date:
        return self._terms(period).entry_deadline

    def get_grace_days(self, period) -> int:
        return self._terms(period).grace_days

    def get_is_backfill(self, period) -> bool:
        return self._terms(period).is_backfill

    def get_lock_date(self, period) -> datetime.date:
        return self._terms(period).lock_date

    def get_is_locked(self, period) -> bool:
        return self._terms(period).is_locked_on()


class ModelAreaSerializer(serializers.ModelSerializer):
    commune = serializers.IntegerField(source="village.commune_id", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ModelArea
        fields = ["id", "village", "commune", "registered_on", "building_since", "recognised_on",
                  "decision_number", "lapsed_on", "note", "status", "version"]


class ModelGardenSerializer(serializers.ModelSerializer):
    commune = serializers.IntegerField(source="village.commune_id", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = ModelGarden
        fields = ["id", "village", "commune", "household", "level", "registered_on",
                  "recognised_on", "decision_number", "lapsed_on", "note", "status", "version"]

    def get_status(self, garden) -> str:
        return garden.status_on()


class RegistryInputSerializer(serializers.Serializer):
    """What a registry form takes; the form (``communes.forms``) then checks it as on the web."""

    village = serializers.IntegerField(source="village_id", min_value=1, max_value=2**31 - 1)
    registered_on = serializers.CharField(max_length=20, help_text="dd/mm/yyyy or yyyy-mm-dd")
    recognised_on = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                          allow_null=True)
    decision_number = text_field(50, required=False, allow_blank=True)
    lapsed_on = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                      allow_null=True)
    note = text_field(SHORT_TEXT_MAX, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=0, required=False,
                                       help_text="Required to change a record: its version "
                                                 "as read.")


class ModelAreaInputSerializer(RegistryInputSerializer):
    building_since = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                           allow_null=True)


class ModelGardenInputSerializer(RegistryInputSerializer):
    household = text_field(150)
    level = serializers.CharField(max_length=10, required=False, default="district")
