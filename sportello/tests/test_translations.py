"""Every user-facing string has its Italian translation, and the catalogue is up to date."""

import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "sportello" / "locale" / "it" / "LC_MESSAGES" / "django.po"


def test_the_italian_catalogue_translates_every_string_of_the_code(tmp_path, settings, monkeypatch):
    work = tmp_path / "locale"
    (work / "it" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(CATALOGUE, work / "it" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [work]
    monkeypatch.chdir(ROOT)

    call_command(
        "makemessages",
        locale=["it"],
        no_obsolete=True,
        verbosity=0,
        # The project's own catalogue is left out of the walk: makemessages would write to it.
        ignore_patterns=[".venv/*", "var/*", "static/vendor/*", "sportello/locale"],
    )

    result = subprocess.run(
        ["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(work / "it" / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
        f"{result.stderr.strip()} — run `make messages` and translate the new strings"
    )
