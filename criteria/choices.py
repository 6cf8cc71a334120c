from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SetLevel(models.TextChoices):
    COMMUNE_STANDARD = "commune_standard", _("Commune, NTM standard")
    COMMUNE_ADVANCED = "commune_advanced", _("Commune, advanced NTM")
    COMMUNE_MODEL = "commune_model", _("Commune, model NTM")
    COMMUNE_MODERN = "commune_modern", _("Commune, modern NTM (pilot)")
    DISTRICT = "district", _("District")


class CriterionGroup(models.TextChoices):
    PLANNING = "I", _("I. Planning")
    INFRASTRUCTURE = "II", _("II. Socio-economic infrastructure")
    ECONOMY = "III", _("III. Economy and production")
    SOCIETY = "IV", _("IV. Culture, society and environment")
    POLITICS = "V", _("V. Political system")


class CommuneGroup2026(models.IntegerChoices):
    """The commune groups of Decision 51/2025/QĐ-TTg, whose thresholds differ
    (docs/DOMAIN.md#the-2026-2030-rules)."""

    PERI_URBAN = 1, _("Group 1: peri-urban, or agriculture under 10 percent of the economy")
    OTHER = 2, _("Group 2: other communes")
    ETHNIC_MINORITY = 3, _("Group 3: ethnic-minority region II or III")


class Programme(models.TextChoices):
    NTM = "NTM", _("New Rural Development")
    OCOP = "OCOP", _("One Commune One Product")
    GNBV = "GNBV", _("Sustainable Poverty Reduction")
    DTVM = "DTVM", _("Civilised Urban Areas")


class IndicatorKind(models.TextChoices):
    FLOW = "flow", _("Flow (added during the quarter; sums over quarters)")
    STOCK = "stock", _("Stock (level at the end of the quarter)")


class IndicatorSource(models.TextChoices):
    ENTERED = "entered", _("Entered by communes")
    COMPUTED = "computed", _("Computed from data (choose the computation)")
    DISTRICT = "district", _("Entered by district staff")
    RATIO = "ratio", _("Ratio of two entered indicators (Σ numerator ÷ Σ denominator)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum over communes")
    MEAN = "mean", _("Average over communes (rates entered by communes)")


class ThresholdDirection(models.TextChoices):
    AT_LEAST = "min", _("At least the threshold")
    AT_MOST = "max", _("At most the threshold")


class TaskStatus(models.TextChoices):
    """Stored states of a task; "overdue" is computed from the deadline, never stored."""

    NOT_STARTED = "not_started", pgettext_lazy("task status", "Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("task status", "Done")


OVERDUE = "overdue"


class TaskOwnerKind(models.TextChoices):
    DEPARTMENT = "department", _("District department")
    SPONSOR = "sponsor", _("Sponsoring unit")
    COMMUNE = "commune", _("Commune")
