"""`python manage.py backup [--output FILE]`: the database and the uploaded files, one archive."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from communes.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the archive to write (default backups/ntm-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        output = output or f"backups/ntm-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup(output)
        self.stdout.write(f"{output}: {len(manifest['migrations'])} migrations, "
                          f"{manifest['media_files']} uploaded files.")
