"""python manage.py rebuild_rollups [--district SLUG]: recompute the roll-ups from the raw values."""

from django.core.management.base import BaseCommand, CommandError

from communes.models import District
from reports.rollups import rebuild


class Command(BaseCommand):
    help = ("Recompute the roll-ups of approved figures (per district, quarter and indicator) "
            "from the raw values, for one district or all.")

    def add_arguments(self, parser):
        parser.add_argument("--district", help="slug of one district (default: all)")

    def handle(self, *args, **options):
        districts = None
        if options["district"]:
            district = District.objects.filter(slug=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with the slug {options['district']!r}.")
            districts = [district.pk]
        rows = rebuild(districts)
        self.stdout.write(self.style.SUCCESS(f"{rows} roll-up rows written."))
