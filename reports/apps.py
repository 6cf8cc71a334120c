from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    hook_order = 40

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from communes.signals import data_changed

        from .cache import on_write

        from communes.models import Submission
        from criteria.models import IndicatorValue

        from .rollups import on_bulk_write, on_submission_write, on_value_write

        for signal in (post_save, post_delete, m2m_changed, data_changed):
            signal.connect(on_write, dispatch_uid=f"reports-data-version-{id(signal)}")
        # Roll-ups follow approvals in the same transaction.
        for signal in (post_save, post_delete):
            signal.connect(on_submission_write, sender=Submission,
                           dispatch_uid=f"reports-rollup-submission-{id(signal)}")
            signal.connect(on_value_write, sender=IndicatorValue,
                           dispatch_uid=f"reports-rollup-value-{id(signal)}")
        data_changed.connect(on_bulk_write, dispatch_uid="reports-rollup-bulk")
