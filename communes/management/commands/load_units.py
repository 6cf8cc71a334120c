"""Load a province's administrative units with their official codes (administrators).

    manage.py load_units --province "Hà Tĩnh" [--before-2025 | --after-2025] [--dry-run]
    manage.py load_units --file danh-muc.xlsx [--dry-run]

Running it again updates names and kinds by official code; it never duplicates.
"""

from django.core.management.base import BaseCommand, CommandError

from communes import units


class Command(BaseCommand):
    help = "Load a province's districts and communes with their official (GSO) codes."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="the province's name or official code")
        era = parser.add_mutually_exclusive_group()
        era.add_argument("--before-2025", dest="era", action="store_const", const=units.BEFORE,
                         help="former districts and communes (the default)")
        era.add_argument("--after-2025", dest="era", action="store_const", const=units.AFTER,
                         help="the new communes from 1 July 2025")
        parser.add_argument("--file", help="the GSO's Excel file instead of the package's list")
        parser.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")

    def handle(self, *args, province=None, era=None, file=None, dry_run=False, **options):
        era = era or units.BEFORE
        if file:
            with open(file, "rb") as upload:
                rows, errors = units.read_gso_workbook(upload)
            if errors:
                raise CommandError("\n".join(f"{e.sheet}!{e.cell}: {e.message}" for e in errors))
        else:
            if not province:
                raise CommandError("Give --province (a name or an official code) or --file.")
            found = units.find_province(province, era)
            if found is None:
                raise CommandError(f"No province {province!r} in the list.")
            rows = units.package_rows(found[0], era)
        result = units.load_units(None, rows, era=era, dry_run=dry_run)
        if result.errors:
            raise CommandError("\n".join(f"{e.sheet}!{e.cell}: {e.message}" for e in result.errors))
        for change in result.changes:
            line = f"{change.action:6} {change.level:8} {change.code:>6} {change.name}"
            self.stdout.write(line + (f" ({change.detail})" if change.detail else ""))
        verb = "would be" if dry_run else "were"
        self.stdout.write(self.style.SUCCESS(
            f"{result.created} unit(s) {verb} created, {result.updated} updated, "
            f"{result.unchanged} commune(s) unchanged."))
