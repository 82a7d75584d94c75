"""A real browser: an official signs in with password + TOTP and reaches the workbench; a
citizen signs in without JavaScript and sees the personal centre; axe finds nothing serious."""

import base64

import pytest
from django_otp.oath import totp

from tests.e2e.conftest import axe_violations
from tongban.demo.accounts import DEMO_PASSWORD, totp_secret
from tongban.demo.seed import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def test_an_official_signs_in_with_password_and_totp(live_server, page, demo):
    page.goto(live_server.url + "/account/login/")
    assert axe_violations(page) == []
    page.get_by_label("身份证号、手机号、电子邮箱或工作人员账号").fill("gaj.approver")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/account/login/verify/")
    assert axe_violations(page) == []
    code = totp(base64.b32decode(totp_secret("gaj.approver")))
    page.get_by_label("身份验证器应用显示的 6 位验证码，或一个恢复码").fill(f"{code:06d}")
    page.get_by_role("button", name="继续").click()
    page.wait_for_url("**/workbench/")
    assert page.get_by_role("heading", level=1).inner_text() == "工作台"
    assert "示范市公安局" in page.content()
    assert "审批人员" in page.content()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_citizen_signs_in_without_javascript(live_server, browser, demo):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/me/")
        page.wait_for_url("**/account/login/?next=/me/")
        page.fill("#id_username", "13900000001")
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/me/")
        assert "张伟" in page.content()
        assert "522622********" in page.content()
        page.goto(live_server.url + "/me/security/")
        assert page.get_by_role("heading", level=1).inner_text() == "账号安全"
        page.get_by_role("button", name="退出登录").first.click()
        page.wait_for_url(live_server.url + "/")
    finally:
        context.close()


def test_the_personal_centre_passes_axe(live_server, page, demo):
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", "13900000008")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/me/")
    for path in (
        "/me/",
        "/me/security/",
        "/me/applications/",
        "/me/acting-for/",
        "/account/register/",
    ):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    assert "陈小雨" in page.goto(live_server.url + "/me/acting-for/").text()


def test_the_legal_representative_authorizes_an_agent(live_server, page, demo):
    page.goto(live_server.url + "/account/login/")
    page.fill("#id_username", "13900000013")  # 李刚, legal representative of 青禾餐饮
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/me/")
    page.goto(live_server.url + "/me/acting-for/")
    assert "马晓红" in page.content()
    assert axe_violations(page) == []
    form = page.locator("form[action$='/agents/']").first
    form.locator("input[name=id_number]").fill("522622199510100390")  # 郑强
    form.locator("label", has_text="申请办理事项并答复补正").click()
    form.locator("input[name=expires_on]").fill("2030-01-31")
    form.get_by_role("button", name="授权").click()
    page.wait_for_url("**/me/acting-for/")
    assert "郑强" in page.content() and "2030-01-31" in page.content()
