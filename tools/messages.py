"""Finish the message catalogues after `makemessages` (run by `make messages`).

- en: message ids are English, so each msgstr is its msgid (without an en catalogue Django
  would fall back to the default language, zh-Hans);
- zh-Hant: derived from zh-Hans with OpenCC `s2twp` (government terms kept, see
  GOVERNMENT_TERMS) where no Traditional text was written by hand, and again where msgmerge only
  guessed it (fuzzy: e.g. a message that gained a context);
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


S2TWP = opencc.OpenCC("s2twp.json")
# `s2twp` also swaps in Taiwan's computing vocabulary, wrong in government text: 代码 (a code,
# as in 统一社会信用代码) is not 程式碼 (program code), 注销 (a licence revoked) is not 登出 (log
# out), 审核 is not 稽核 (audit), 对象 and 类型 are not 物件 and 型別 (object, type).
GOVERNMENT_TERMS = {
    "資原始碼": "資源代碼",
    "程式碼": "代碼",
    "型別": "類型",
    "物件": "對象",
    "登出": "註銷",
    "稽核": "審核",
    "許可權": "權限",
    "擴音交": "免提交",
}


def to_hant(text: str) -> str:
    """Traditional Chinese for zh-Hans text: OpenCC `s2twp`, then government terms restored."""
    converted = S2TWP.convert(text)
    for computing, government in GOVERNMENT_TERMS.items():
        converted = converted.replace(computing, government)
    return converted


def derived(hant: str, hans: str) -> bool:
    """Whether zh-Hant text is missing or was made from the zh-Hans text by a converter (so it
    is made again); text written by hand is kept."""
    return not hant or hant in (S2TWP.convert(hans), to_hant(hans))


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
    by_id = {(e.msgctxt, e.msgid): e for e in hans}
    hant = catalogue(locale, "zh_Hant")
    for entry in hant:
        source = by_id[(entry.msgctxt, entry.msgid)]
        # A fuzzy entry holds msgmerge's guess from a similar message (another context, an
        # edited id): never keep it, derive the text again from zh-Hans.
        guessed = entry.fuzzy
        if source.msgstr and (guessed or derived(entry.msgstr, source.msgstr)):
            entry.msgstr = to_hant(source.msgstr)
        for index, text in source.msgstr_plural.items():
            if guessed or derived(entry.msgstr_plural.get(index, ""), text):
                entry.msgstr_plural[index] = to_hant(text)
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
