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

        for signal in (post_save, post_delete, m2m_changed, data_changed):
            signal.connect(on_write, dispatch_uid=f"reports-data-version-{id(signal)}")
