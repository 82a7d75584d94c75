"""Values every page template needs."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tongban.identity.models import Account

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
        "account_links": account_links(request),
    }


def account_links(request) -> dict:
    """The header's account links for this session: sign in; or the personal centre (个人中心),
    the workbench (工作台) for an official where a URL for it exists, and sign out (a POST)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        sign_in = _url("identity:login")
        on_sign_in = sign_in is not None and request.path == sign_in
        if sign_in and not on_sign_in:
            # Back to this page afterwards: its path only, never its query (no personal data).
            sign_in += "?" + urlencode({"next": request.path})
        return {"signed_in": False, "sign_in": sign_in, "on_sign_in": on_sign_in}
    official = getattr(user, "kind", None) == Account.Kind.OFFICIAL
    return {
        "signed_in": True,
        # An official's profile page sends them to the workbench: their centre starts at security.
        "centre": _url("identity:security" if official else "identity:home"),
        "workbench": _url("identity:workbench") if official else None,
        "sign_out": _url("identity:logout"),
        "path": request.path,
    }


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
