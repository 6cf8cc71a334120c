"""Apply mergers of communes (administrators; dry run unless --apply).

    manage.py apply_merger --workbook sap-nhap.xlsx [--apply]
    manage.py apply_merger --mapping-2025 --province ha-tinh [--district ky-anh]
                           [--date 2025-07-01] [--officers-see-predecessors] [--apply]

Everything goes through ``communes.mergers.apply_mergers``: all or nothing, and applying the
same mergers again changes nothing. The summary is in the portal's language (Vietnamese).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from communes import mergers
from communes.models import District, Province


class Command(BaseCommand):
    help = "Apply mergers of communes from a workbook or from the 2025 mapping (dry run by default)."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--workbook", help="the merger workbook (.xlsx)")
        source.add_argument("--mapping-2025", action="store_true",
                            help="the reform of 1 July 2025, from the package's table")
        parser.add_argument("--province", help="the province's slug (with --mapping-2025)")
        parser.add_argument("--district", help="only this district's communes (slug)")
        parser.add_argument("--date", default=mergers.REFORM_DATE.isoformat(),
                            help="the day the new units start (YYYY-MM-DD, mapping only)")
        parser.add_argument("--officers-see-predecessors", action="store_true",
                            help="the new units' officers read the former units' history")
        parser.add_argument("--apply", action="store_true", help="write (else a dry run)")

    def handle(self, *args, workbook=None, mapping_2025=False, province=None, district=None,
               date=None, officers_see_predecessors=False, apply=False, **options):
        with translation.override("vi"):
            specs = self._specs(workbook, province, district, date, officers_see_predecessors)
            result = mergers.apply_mergers(None, specs, dry_run=not apply)
            if result.errors:
                raise CommandError("\n".join(
                    f"{e.sheet}!{e.cell}: {e.message}" if e.sheet else f"{e.cell}: {e.message}"
                    for e in result.errors) + "\n" + result.summary())
            for item in result.items:
                state = _("already applied") if item.status == mergers.ALREADY else (
                    _("to apply") if result.dry_run else _("applied"))
                self.stdout.write(f"{item.spec.name} ← {', '.join(c.name for c in item.spec.predecessors)}"
                                  f" ({state})")
            self.stdout.write(self.style.SUCCESS(result.summary()))

    def _specs(self, workbook, province, district, date, see):
        if workbook:
            try:
                with open(workbook, "rb") as upload:
                    specs, errors = mergers.read_workbook(upload, officers_see_predecessors=see)
            except OSError as error:
                raise CommandError(str(error)) from None
            if errors:
                raise CommandError("\n".join(f"{e.sheet}!{e.cell}: {e.message}" for e in errors))
            return specs
        if not province:
            raise CommandError(_("Give --province with --mapping-2025."))
        found = Province.objects.filter(slug=province).first()
        if found is None:
            raise CommandError(_("No province %(slug)s.") % {"slug": province})
        unit = None
        if district:
            unit = District.objects.filter(province=found, slug=district).first()
            if unit is None:
                raise CommandError(_("No district %(slug)s in this province.") % {"slug": district})
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise CommandError(_("Write the date as YYYY-MM-DD.")) from None
        mapping = mergers.mapping_2025(found, unit, date=day, officers_see_predecessors=see)
        for commune, reason in mapping.unmapped:
            self.stdout.write(_("Not mapped: %(name)s (%(reason)s)") % {
                "name": commune.name, "reason": reason})
        return mapping.specs
