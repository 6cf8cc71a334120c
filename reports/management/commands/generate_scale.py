"""python manage.py generate_scale --communes 10000 --quarters 20: a synthetic district."""

import time

from django.core.management.base import BaseCommand, CommandError

from reports.scale import INDEX_MODES, ScaleError, generate


class Command(BaseCommand):
    help = ("Build a synthetic district with N communes and Q quarters of approved figures "
            "and assessments, to measure the reports at scale. Refuses to run twice on one "
            "district name.")

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=1000)
        parser.add_argument("--quarters", type=int, default=4)
        parser.add_argument("--name", default="Huyện mô phỏng",
                            help="District name (must not exist yet).")
        parser.add_argument("--year", type=int, default=2021)
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument(
            "--indexes", choices=INDEX_MODES, default="auto",
            help="PostgreSQL: 'rebuild' drops the indexes and constraints of the submissions, "
                 "figures and assessments for the load and recreates them after it (the "
                 "tables are locked until the commit); 'keep' maintains them row by row; "
                 "'auto' (default) rebuilds when the run at least doubles the submissions.")

    def handle(self, *args, **options):
        if options["communes"] < 1 or options["quarters"] < 1:
            raise CommandError("--communes and --quarters must be at least 1.")
        started = time.perf_counter()
        try:
            district = generate(options["communes"], options["quarters"], name=options["name"],
                                year=options["year"], batch=options["batch"],
                                indexes=options["indexes"],
                                stream=getattr(self.stderr, "_out", self.stderr))
        except ScaleError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"District {district.name!r} (slug {district.slug}): {options['communes']} communes, "
            f"{options['quarters']} quarters, in {time.perf_counter() - started:.1f} s. "
            f"Dashboard: /reports/{options['year']}/q1/?district={district.slug}"))
