"""Every message is translated into zh-Hans and zh-Hant, and the compiled catalogues are current."""

from pathlib import Path

import polib
import pytest

APPS = Path(__file__).resolve().parent.parent / "tongban"
CATALOGUES = sorted(APPS.glob("*/locale/*/LC_MESSAGES/django.po"))


def test_there_are_catalogues_for_every_language():
    languages = {po.parent.parent.name for po in CATALOGUES}
    assert languages == {"zh_Hans", "zh_Hant", "en"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    missing = [
        e.msgid
        for e in po
        if not e.obsolete
        and (e.fuzzy or not (e.msgstr or (e.msgid_plural and all(e.msgstr_plural.values()))))
    ]
    assert not missing, f"untranslated in {po_path}: {missing}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr, entry.msgstr_plural), (
            f"{po_path.with_suffix('.mo')} is stale: run `make messages`"
        )


def test_every_app_has_its_catalogues():
    apps_with_strings = {p.parent.name for p in APPS.glob("*/apps.py")}
    with_catalogues = {p.parts[-5] for p in CATALOGUES}
    assert apps_with_strings <= with_catalogues
