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
