"""Backup and restore of the database and the uploaded files together, in one archive.

The archive (``.tar.gz``) holds ``manifest.json`` (format, date, the migrations it was taken
at), ``data.json`` (every table through Django's serializers, with natural keys, so that it
loads into any empty database of the same migrations, SQLite or PostgreSQL) and ``media/``
(the uploaded files). Sessions are left out: a restore signs everyone out.

A restore goes into a database migrated to the same state and without data (``--force``
empties it first); the data load is one transaction, and the files are put in place only
after it succeeded. Members of the archive are checked before anything is written.
"""

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes.accesslog"]


class BackupError(Exception):
    pass


def applied_migrations():
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(path):
    """Write the archive to ``path``; return the manifest."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    manifest = {
        "format": FORMAT, "created": timezone.now().isoformat(), "database": connection.vendor,
        "migrations": applied_migrations(), "media_files": len(media),
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDE,
                     output=str(data), verbosity=0)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            archive.add(data, "data.json")
            for file in media:
                archive.add(file, f"media/{file.relative_to(media_root).as_posix()}")
        partial.replace(path)  # never a half-written archive under the final name
    return manifest


def _members(archive):
    members = {}
    for member in archive.getmembers():
        name = member.name
        parts = Path(name).parts
        if name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refused: unexpected member {name!r} in the archive.")
        members[name] = member
    for required in ("manifest.json", "data.json"):
        if required not in members:
            raise BackupError(f"Refused: {required} is missing; this is not a portal backup.")
    return members


def database_is_empty():
    from communes.models import User

    return not User.objects.exists()


def restore(path, force=False):
    """Load the archive at ``path``; return its manifest."""
    with tarfile.open(path, "r:gz") as archive:
        members = _members(archive)
        manifest = json.load(archive.extractfile(members["manifest.json"]))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Refused: backup format {manifest.get('format')!r}, expected {FORMAT}.")
        if manifest["migrations"] != applied_migrations():
            raise BackupError("Refused: the backup was taken at other migrations than this "
                              "database's. Check out the matching version of the portal, migrate, "
                              "then restore.")
        if not database_is_empty():
            if not force:
                raise BackupError("Refused: the database already has data. Restore into a new "
                                  "database, or add --force to replace everything in it.")
            call_command("flush", interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            archive.extractall(tmp, members=list(members.values()), filter="data")
            call_command("loaddata", str(tmp / "data.json"), verbosity=0)  # one transaction
            media_root = Path(settings.MEDIA_ROOT)
            if (tmp / "media").exists():
                media_root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(tmp / "media", media_root, dirs_exist_ok=True)
    return manifest
