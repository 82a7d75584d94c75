"""Every message is translated into zh-Hans and zh-Hant, and the compiled catalogues are current."""

import gettext
from functools import cache
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

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


# One message id, one translation -------------------------------------------------------------
#
# Django merges the catalogues of Django itself and of every installed app into one per language,
# keyed by (context, message id); for a key in several catalogues the app listed first in
# INSTALLED_APPS wins. A message id that two apps translate differently therefore shows one
# app's wording in the other app's page. Choose one wording, or give the message a context
# (pgettext, `{% translate "Open" context "task status" %}`) where the word means something else.

LOCALES = {"zh_Hans": "zh-hans", "zh_Hant": "zh-hant", "en": "en"}


def _text(entry) -> str | tuple:
    if entry.msgid_plural:
        return tuple(text for _, text in sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def _messages(catalogue) -> dict[tuple, str | tuple]:
    """(context, message id) → translation of the translated, current entries."""
    return {
        (entry.msgctxt, entry.msgid): _text(entry)
        for entry in catalogue
        if entry.msgid
        and not entry.obsolete
        and not getattr(entry, "fuzzy", False)
        and any(_text(entry))
    }


def _tongban_messages(locale: str) -> dict[str, dict]:
    return {
        po.parts[-5]: _messages(polib.pofile(str(po)))
        for po in CATALOGUES
        if po.parts[-3] == locale
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_a_message_has_one_translation_across_apps(locale):
    by_key: dict[tuple, dict[str, str | tuple]] = {}
    for app, messages in _tongban_messages(locale).items():
        for key, text in messages.items():
            by_key.setdefault(key, {})[app] = text
    conflicts = [
        f"{msgid!r}"
        + (f" (context {context!r})" if context else "")
        + ": "
        + "; ".join(f"{app} {text!r}" for app, text in sorted(texts.items()))
        for (context, msgid), texts in sorted(
            by_key.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")
        )
        if len(set(texts.values())) > 1
    ]
    assert not conflicts, (
        f"{locale}: one message translated differently by several apps (only the first app in "
        "INSTALLED_APPS is shown); choose one wording or add a context:\n  "
        + "\n  ".join(conflicts)
    )


@cache
def _other_catalogues(locale: str) -> list[tuple[str, dict]]:
    """(name, messages) of the catalogues Django merges, the one that wins first."""
    found = []
    directories = [(str(path), str(path)) for path in settings.LOCALE_PATHS]
    directories += [
        (config.name, str(Path(config.path) / "locale")) for config in apps.get_app_configs()
    ]
    directories.append(("django", str(Path(django.__file__).parent / "conf" / "locale")))
    for name, directory in directories:
        for mo in gettext.find("django", directory, [locale], all=True):
            found.append((name, _messages(polib.mofile(mo))))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_shows_its_own_translation(locale):
    """Django's own or a third-party app's catalogue must not hide a Tongban translation."""
    shown_elsewhere = []
    with translation.override(LOCALES[locale]):
        for app, messages in _tongban_messages(locale).items():
            for (context, msgid), text in messages.items():
                if isinstance(text, tuple):
                    continue  # plural forms: Tongban's plurals are its own sentences
                shown = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                if shown != text:
                    winner = next(
                        (
                            name
                            for name, other in _other_catalogues(locale)
                            if other.get((context, msgid)) == shown
                        ),
                        "?",
                    )
                    shown_elsewhere.append(
                        f"{app} {msgid!r}"
                        + (f" (context {context!r})" if context else "")
                        + f": {text!r}, but {winner}'s {shown!r} is shown"
                    )
    assert not shown_elsewhere, (
        f"{locale}: translations hidden by another catalogue; use its wording or add a "
        "context:\n  " + "\n  ".join(shown_elsewhere)
    )
