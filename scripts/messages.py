"""Refresh the Vietnamese catalogue: extract, take translations from fragments, compile.

    python scripts/messages.py        (``make messages`` runs it)

Translators (and parallel branches) may put new translations in
``locale/fragments/*.po`` instead of editing ``django.po`` while someone else
extracts: each entry there fills the same msgid in the catalogue, and clears a
fuzzy flag. Entries of the catalogue already translated are kept.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
FRAGMENTS = ROOT / "locale" / "fragments"
MANAGE = [sys.executable, str(ROOT / "manage.py")]
ENV = {"DEBUG": "1"}


def run(*args):
    import os

    subprocess.run([*MANAGE, *args], cwd=ROOT, check=True, env={**os.environ, **ENV})


def main():
    run("makemessages", "-l", "vi", "--no-obsolete", "--no-location",
        "-i", ".venv/*", "-i", "static/*", "-i", "tests/*", "-i", "staticfiles/*")
    catalogue = polib.pofile(str(PO))
    catalogue.metadata["Language"] = "vi"
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    known = {}
    for fragment in sorted(FRAGMENTS.glob("*.po")):
        for entry in polib.pofile(str(fragment)):
            known[(entry.msgctxt, entry.msgid)] = entry
    for entry in catalogue:
        source = known.get((entry.msgctxt, entry.msgid))
        if source is None:
            continue
        if entry.msgid_plural:
            text = source.msgstr_plural.get(0) or source.msgstr
            if text:
                entry.msgstr_plural = {0: text}
        elif source.msgstr:
            entry.msgstr = source.msgstr
        if "fuzzy" in entry.flags and (entry.msgstr or entry.msgstr_plural.get(0)):
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None  # msgfmt rejects a lone "#| msgid_plural"
    catalogue.save()
    # compilemessages skips a .mo that is not older than its .po: always rebuild it.
    PO.with_suffix(".mo").unlink(missing_ok=True)
    run("compilemessages", "-l", "vi", "--ignore", ".venv/*")
    missing = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    if missing:
        print(f"{len(missing)} entries still need a translation:")
        for msgid in missing:
            print(f"  {msgid!r}")


if __name__ == "__main__":
    main()
