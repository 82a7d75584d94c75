"""The public shell: every page in three languages, without JavaScript, localized errors."""

import pytest
from django.test import override_settings
from django.urls import path

from tongban.config import urls as project_urls

pytestmark = pytest.mark.django_db

PAGES = ["/", "/search/?q=出生", "/personal/", "/business/", "/departments/", "/accessibility/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_default_to_simplified_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "通办政务服务平台" in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


@pytest.mark.parametrize(
    ("language", "marker", "lang"),
    [
        ("en", "Tongban government services", "en"),
        ("zh-hant", "通辦政務服務平臺", "zh-Hant"),
        ("zh-hans", "通办政务服务平台", "zh-Hans"),
    ],
)
def test_the_language_switcher_sets_the_language(client, language, marker, lang):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert marker in html


def test_home_offers_search_and_the_three_entry_points(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html
    for text in ("个人办事", "法人办事", "部门"):
        assert text in html
    assert "无障碍声明" in html  # the footer's accessibility statement


def test_the_language_switcher_works_without_javascript(client):
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    for code in ("zh-hans", "zh-hant", "en"):
        assert f'name="language" value="{code}"' in html


def test_an_open_redirect_in_next_is_ignored(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] != "https://evil.example/"


def test_overlong_search_is_refused_with_a_message(client):
    response = client.get("/search/", {"q": "出" * 500})
    assert response.status_code == 400
    assert "200" in response.content.decode()


def test_departments_are_listed(client, demo_city):
    html = client.get("/departments/").content.decode()
    assert "示范市公安局" in html and "示范市政务服务和数据管理局" in html


def test_404_is_localized(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("forbidden/", forbidden), path("broken/", broken), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_403_is_localized(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_localized_and_quotes_the_request_id(client):
    client.raise_request_exception = False
    response = client.get("/broken/", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出现了问题" in html
    assert "req-12345678" in html
    assert "boom" not in html


def test_pages_carry_a_request_id(client):
    assert len(client.get("/")["X-Request-ID"]) >= 8
