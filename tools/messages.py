"""Finish the message catalogues after `makemessages` (run by `make messages`).

- en: message ids are English, so each msgstr is its msgid (without an en catalogue Django
  would fall back to the default language, zh-Hans);
- zh-Hant: derived from zh-Hans with OpenCC `s2twp` where no Traditional text was written, and
  again where msgmerge only guessed it (fuzzy: e.g. a message that gained a context);
- all: compiled to .mo with polib, so no GNU gettext is needed on a fresh machine.

Fails when a zh-Hans message is untranslated or fuzzy: every string must be translated."""

import sys
from pathlib import Path

import opencc
import polib

APPS = Path(__file__).resolve().parent.parent / "tongban"


def catalogue(locale: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"), wrapwidth=100)


def untranslated(po: polib.POFile) -> list[str]:
    def done(entry: polib.POEntry) -> bool:
        if entry.msgid_plural:
            return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
        return bool(entry.msgstr)

    return [e.msgid for e in po if not e.obsolete and (e.fuzzy or not done(e))]


def settle(entry: polib.POEntry) -> None:
    """Mark an entry as done: not fuzzy, without msgmerge's note of the previous id."""
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def main() -> int:
    failed = False
    for locale in sorted(APPS.glob("*/locale")):
        failed |= not finish(locale)
    return 1 if failed else 0


def finish(locale: Path) -> bool:
    hans = catalogue(locale, "zh_Hans")
    missing = untranslated(hans)
    if missing:
        print(
            f"{locale}: zh_Hans has untranslated messages:", *missing, sep="\n  ", file=sys.stderr
        )
        return False
    to_hant = opencc.OpenCC("s2twp.json")
    by_id = {(e.msgctxt, e.msgid): e for e in hans}
    hant = catalogue(locale, "zh_Hant")
    for entry in hant:
        source = by_id[(entry.msgctxt, entry.msgid)]
        # A fuzzy entry holds msgmerge's guess from a similar message (another context, an
        # edited id): never keep it, derive the text again from zh-Hans.
        guessed = entry.fuzzy
        if source.msgstr and (guessed or not entry.msgstr):
            entry.msgstr = to_hant.convert(source.msgstr)
        for index, text in source.msgstr_plural.items():
            if guessed or not entry.msgstr_plural.get(index):
                entry.msgstr_plural[index] = to_hant.convert(text)
        settle(entry)
    en = catalogue(locale, "en")
    for entry in en:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        settle(entry)
    for language, po in (("zh_Hans", hans), ("zh_Hant", hant), ("en", en)):
        path = locale / language / "LC_MESSAGES"
        po.save(str(path / "django.po"))
        po.save_as_mofile(str(path / "django.mo"))
    return True


if __name__ == "__main__":
    sys.exit(main())
