"""Every word a user reads is translated: no untranslated or fuzzy entry in the catalogue."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"
    assert len(catalogue.translated_entries()) > 50


def test_compiled_catalogue_is_not_older_than_the_source():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    catalogue = polib.mofile(str(mo))
    source = {e.msgid for e in polib.pofile(str(PO)).translated_entries()}
    compiled = {e.msgid for e in catalogue}
    assert source <= compiled, f"run `make messages`: {sorted(source - compiled)[:10]}"


def test_catalogue_holds_every_text_of_the_code(tmp_path):
    """A text added to the code but not extracted would show in English: run `make messages`."""
    import os
    import shutil
    import subprocess
    import sys

    root = PO.parents[3]
    for name in ["manage.py", "ntm_portal", "communes", "criteria", "ocop", "reports",
                 "templates", "locale"]:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location",
                    "--no-obsolete"], cwd=tmp_path, env=env, check=True, capture_output=True)
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/vi/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    missing = sorted(extracted - committed)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
