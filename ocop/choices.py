from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKind(models.TextChoices):
    """Kinds of OCOP producers (chủ thể) named by the programme."""

    COOPERATIVE = "cooperative", _("Cooperative")
    COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
    ENTERPRISE = "enterprise", _("Enterprise")
    HOUSEHOLD = "household", _("Household business")


class CertifyingLevel(models.TextChoices):
    """Who signed the rating decision; kept as data because it changed with QĐ 148."""

    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
    CENTRAL = "central", _("Central")


class Stage(models.TextChoices):
    """Stored stage of a product in the programme (see ``ocop.lifecycle``)."""

    CANDIDATE = "candidate", _("Candidate")
    REGISTERED = "registered", _("Registered for evaluation")
    PROPOSED = "proposed", _("Proposed to the province")
    RATED = "rated", _("Rated")


class Status(models.TextChoices):
    """Status shown to users: the stage, and for rated products whether the certificate is valid."""

    CANDIDATE = "candidate", _("Candidate")
    REGISTERED = "registered", _("Registered for evaluation")
    PROPOSED = "proposed", _("Proposed to the province")
    CERTIFIED = "certified", _("Certified")
    NATIONAL = "national", _("Certified, proposed to national level")
    EXPIRED = "expired", _("Certificate expired")


class Procedure(models.TextChoices):
    """The evaluation procedure a product follows, by the rule in force on its date
    (``lifecycle.procedure_for``): kept on the product so that a later rule never
    rewrites the path an earlier product took."""

    DISTRICT = "district", _("District council first (before 6 July 2025)")
    TWO_TIER = "two_tier", _("Commune pre-assessment, province council (Decision 1489/QĐ-TTg)")


class PrePoint(models.TextChoices):
    """The five points a commune pre-assesses before proposing a product to the province."""

    ORIGIN = "origin", _("Origin")
    MATERIALS = "materials", _("Raw material sources")
    LABOUR = "labour", _("Local labour")
    IDEA = "idea", _("Product idea and innovation")
    IDENTITY = "identity", _("Local cultural identity")


STAR_CHOICES = [(n, "★" * n) for n in range(1, 6)]
