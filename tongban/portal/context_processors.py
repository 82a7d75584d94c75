"""Values every page template needs."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

PLATFORM_NAME = _("Tongban government services")
# Django's language codes are lower case; HTML's lang attribute uses BCP 47 script casing.
HTML_LANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


def shell(request):
    current = get_language() or settings.LANGUAGE_CODE
    return {
        "html_lang": HTML_LANG.get(current, "zh-Hans"),
        "platform_name": PLATFORM_NAME,
        # Each language is offered in its own name and script, whatever the page's language.
        "language_choices": [
            {"code": code, "name": name, "lang": HTML_LANG[code], "current": code == current}
            for code, name in settings.LANGUAGES
        ],
    }
