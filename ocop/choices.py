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
    RATED = "rated", _("Rated")


class Status(models.TextChoices):
    """Status shown to users: the stage, and for rated products whether the certificate is valid."""

    CANDIDATE = "candidate", _("Candidate")
    REGISTERED = "registered", _("Registered for evaluation")
    CERTIFIED = "certified", _("Certified")
    EXPIRED = "expired", _("Certificate expired")


STAR_CHOICES = [(n, "★" * n) for n in range(1, 6)]
