"""Template helpers for catalogue content: it is data written in Simplified Chinese, with
optional English; Traditional Chinese pages convert it with OpenCC."""

import opencc
from django import template
from django.utils.translation import get_language

register = template.Library()
_to_traditional = opencc.OpenCC("s2twp.json")


def in_language(text: str, english: str = "") -> str:
    language = get_language() or "zh-hans"
    if language == "en":
        return english or text
    if language == "zh-hant":
        return _to_traditional.convert(text)
    return text


@register.filter
def localized(obj, attribute: str = "name") -> str:
    """`{{ version|localized:"name" }}`: the attribute in the page's language (the `_en`
    twin for English where written, OpenCC for Traditional Chinese)."""
    if isinstance(obj, dict):
        return in_language(obj.get(attribute, ""), obj.get(f"{attribute}_en", ""))
    return in_language(getattr(obj, attribute, ""), getattr(obj, f"{attribute}_en", ""))


@register.filter
def hant(text: str) -> str:
    """Content text without an English twin, in the page's script."""
    language = get_language() or "zh-hans"
    return _to_traditional.convert(text) if language == "zh-hant" else text


@register.filter
def field_label(field: dict) -> str:
    labels = field.get("x-labels") or {}
    return in_language(labels.get("zh-Hans", field.get("title", "")), labels.get("en", ""))


@register.filter
def answer(answers: dict, code: str) -> str:
    """The option chosen for situation `code`, or ""."""
    return (answers or {}).get(code, "")
