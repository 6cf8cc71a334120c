"""`make backup` / `make restore`: the database and the photos together; a restore into a
fresh database gives the same dashboard, workbook and photos (issue 12, failure 6)."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from communes.backup import BackupError, restore
from ocop.models import Product

from .snapshot import snapshot
from .test_media import PNG

ROOT = Path(__file__).resolve().parent.parent.parent


def _env(tmp_path, **extra):
    keep = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE")}
    return {**keep, "DEBUG": "1", "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "fresh-media"), **extra}


def _run(args, env):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def with_photo(settings, tmp_path, demo):
    settings.MEDIA_ROOT = tmp_path / "media"
    product = Product.objects.filter(commune__slug="ky-tay").first()
    name = default_storage.save("ocop/photos/2026/tra.png", ContentFile(PNG))
    Product.objects.filter(pk=product.pk).update(photo=name)
    return product


def test_a_backup_restored_into_a_fresh_database_reads_the_same(with_photo, tmp_path):
    before = snapshot()
    assert before["photos"][with_photo.slug][0] == 200
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "data.json", "media/ocop/photos/2026/tra.png"} <= set(names)

    env = _env(tmp_path)
    _run(["manage.py", "migrate", "--noinput"], env)
    _run(["manage.py", "restore", str(archive)], env)
    after = json.loads(_run(["-c", "import django; django.setup(); "
                             "from tests.security.snapshot import snapshot; import json, sys; "
                             "json.dump(snapshot(), sys.stdout)"],
                            {**env, "DJANGO_SETTINGS_MODULE": "ntm_portal.settings"}))
    assert after["users"] == before["users"]
    assert after["photos"] == before["photos"]
    assert after["workbook"] == before["workbook"]
    assert after["dashboard"] == before["dashboard"]

    # A second restore over data is refused unless forced.
    refused = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "already has data" in refused.stderr


def _archive(tmp_path, members):
    path = tmp_path / "bad.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_hostile_or_foreign_archive_is_refused_before_anything_is_written(tmp_path, demo):
    escaping = _archive(tmp_path, {"manifest.json": b"{}", "data.json": b"[]",
                                   "../../evil.py": b"x"})
    with pytest.raises(BackupError, match="unexpected member"):
        restore(escaping)
    foreign = _archive(tmp_path, {"notes.txt": b"x"})
    with pytest.raises(BackupError, match="missing"):
        restore(foreign)
    other_migrations = _archive(tmp_path, {
        "manifest.json": json.dumps({"format": 1, "migrations": ["communes.0001_initial"]}).encode(),
        "data.json": b"[]"})
    with pytest.raises(BackupError, match="other migrations"):
        restore(other_migrations)
    assert not (tmp_path.parent / "evil.py").exists()
