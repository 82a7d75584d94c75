"""A real browser on a phone-sized screen: the header's account links without JavaScript —
sign in, personal centre, sign out — and axe finds nothing serious in either state."""

import pytest
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations
from tongban.identity.models import Account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"


@pytest.fixture
def citizen(transactional_db):
    return Account.objects.create_user(
        "citizen-header", PASSWORD, kind=Account.Kind.PERSON, display_name="张伟"
    )


def test_sign_in_personal_centre_and_sign_out_without_javascript(live_server, browser, citizen):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/departments/")
        account = page.get_by_role("navigation", name="我的账号")
        account.get_by_role("link", name="登录").click()
        page.wait_for_url("**/account/login/?next=%2Fdepartments%2F")
        page.fill("#id_username", "citizen-header")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("main").get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/departments/")

        account = page.get_by_role("navigation", name="我的账号")
        assert account.get_by_role("link", name="个人中心").is_visible()
        assert account.get_by_role("button", name="退出登录").is_visible()
        assert account.get_by_role("link", name="登录").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

        account.get_by_role("link", name="个人中心").click()
        page.wait_for_url("**/me/")
        account = page.get_by_role("navigation", name="我的账号")
        account.get_by_role("button", name="退出登录").click()
        page.wait_for_url(live_server.url + "/")
        assert "您已退出登录。" in page.content()
        account = page.get_by_role("navigation", name="我的账号")
        assert account.get_by_role("link", name="登录").is_visible()
        page.goto(live_server.url + "/me/")
        assert "/account/login/" in page.url
    finally:
        context.close()


def test_the_header_passes_axe_signed_out_and_signed_in(live_server, page, citizen):
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []

    client = force_sign_in(Client(), citizen)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for path in ("/", "/me/"):
        page.goto(live_server.url + path)
        assert page.get_by_role("button", name="退出登录").first.is_visible()
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
