"""The read side's one table: roll-ups of approved figures for large units.

Everything else the reports read belongs to communes, criteria and ocop.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import District, ReportingPeriod
from criteria.models import Indicator


class IndicatorRollup(models.Model):
    """The approved values of one indicator in one district and quarter: their sum and count.

    Kept up to date in the approving transaction (``reports.rollups``) and rebuilt by
    ``manage.py rebuild_rollups``; a district's trend and cumulative figures then read a
    few hundred of these rows instead of millions of values.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("reporting period"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("indicator"))
    total = models.DecimalField(_("total"), max_digits=20, decimal_places=2, null=True)
    count = models.PositiveIntegerField(_("values counted"), default=0)

    class Meta:
        verbose_name = _("indicator roll-up")
        verbose_name_plural = _("indicator roll-ups")
        constraints = [models.UniqueConstraint(fields=["district", "period", "indicator"],
                                               name="indicator_rollup_unique")]

    def __str__(self):
        return f"{self.district_id}/{self.period_id}/{self.indicator_id}: {self.total}"
