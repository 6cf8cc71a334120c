"""`python manage.py restore FILE [--force]`: load a backup made by `backup`."""

from django.core.management.base import BaseCommand, CommandError

from communes.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="replace the data of a database that is not empty")

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = restore(archive, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {archive} (taken {manifest['created']}, "
                          f"{manifest['media_files']} uploaded files).")
