from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Commune officer")
    STAFF = "staff", _("District staff")
    COMMITTEE = "committee", _("Steering committee member")
    SPONSOR = "sponsor", _("Sponsoring unit member")
    ADMIN = "admin", _("Administrator")


class CommuneKind(models.TextChoices):
    COMMUNE = "xa", _("Commune")
    TOWN = "thi_tran", _("Town")
    WARD = "phuong", _("Ward")


class NtmLevel(models.IntegerChoices):
    """Ordered so that comparisons work: a higher level includes the lower ones."""

    NOT_YET = 0, _("Not yet at NTM standard")
    STANDARD = 1, _("NTM standard")
    ADVANCED = 2, _("Advanced NTM")
    MODEL = 3, _("Model NTM")
    # The pilot level of Decision 51/2025/QĐ-TTg (Annex II), above the model level
    # (docs/DOMAIN.md#the-2026-2030-rules).
    MODERN = 4, _("Modern NTM (pilot)")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class WorkflowAction(models.TextChoices):
    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REOPEN = "reopen", _("Reopened")


class ModelAreaStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    BUILDING = "building", _("Being built")
    RECOGNISED = "recognised", _("Recognised")
    LAPSED = "lapsed", _("Recognition lapsed")


class GardenLevel(models.TextChoices):
    DISTRICT = "district", _("District level")
    PROVINCE = "province", _("Province level")


class NoticeKind(models.TextChoices):
    DEADLINE_SOON = "deadline_soon", _("Entry deadline approaching")
    DEADLINE_PASSED = "deadline_passed", _("Entry deadline passed without a report")
    RETURNED = "returned", _("Report returned for correction")
    APPROVED = "approved", _("Report approved")
    SUBMITTED = "submitted", _("Report submitted for review")
    TASK_DUE = "task_due", _("Task due soon")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
