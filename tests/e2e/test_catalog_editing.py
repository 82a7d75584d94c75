"""A real browser: 民政局's data administrator revises 最低生活保障申请, shortens its committed
time limit and submits it; the platform operator reads the change and publishes it; the
public guide shows the new limit. axe finds nothing serious on the editing pages."""

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations
from tongban.catalog.models import MatterVersion
from tongban.core.models import Department
from tongban.identity.models import Account, Official, OfficialRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MATTER = "最低生活保障申请"


@pytest.fixture
def catalogue(transactional_db):
    from tongban.demo import catalog, city
    from tongban.demo.seed import seed_demo

    seed_demo(steps=[city.seed, catalog.seed])


def official(short_name: str, role: str) -> Account:
    account = Account.objects.create_user(
        f"{role}-{short_name}", None, kind=Account.Kind.OFFICIAL, display_name=f"{short_name}{role}"
    )
    person = Official.objects.create(
        account=account, department=Department.objects.get(short_name=short_name)
    )
    OfficialRole.objects.create(official=person, role=role)
    return account


def signed_in_page(browser, live_server, account):
    client = force_sign_in(Client(), account)
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", bypass_csp=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_an_edited_time_limit_reaches_the_public_guide(live_server, browser, catalogue):
    published = MatterVersion.objects.get(name=MATTER, status="published")
    assert published.committed_time_limit == 20

    admin = signed_in_page(browser, live_server, official("民政局", "data_admin"))
    admin.goto(live_server.url + "/workbench/")
    admin.get_by_role("link", name="本部门事项").click()
    assert axe_violations(admin) == []
    admin.get_by_role("row").filter(has_text=MATTER).get_by_role("button").click()
    admin.wait_for_load_state()
    assert admin.get_by_role("heading", level=1).inner_text() == "编辑草稿"
    admin.get_by_label("承诺办结时限（工作日）").fill("12")
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="保存草稿").click()
    admin.wait_for_load_state()
    changes = admin.locator("table").inner_text()
    assert "承诺办结时限（工作日）" in changes and "20" in changes and "12" in changes
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="送审").click()
    admin.wait_for_load_state()
    assert "草稿已送审" in admin.content()
    admin.context.close()

    operator = signed_in_page(browser, live_server, official("政务服务和数据管理局", "operator"))
    operator.goto(live_server.url + "/workbench/")
    operator.get_by_role("link", name="事项审核").click()
    operator.get_by_role("link", name=MATTER).click()
    operator.wait_for_load_state()
    assert "12" in operator.locator("table").inner_text()
    assert axe_violations(operator) == []
    operator.get_by_role("button", name="发布", exact=True).click()
    operator.wait_for_load_state()
    assert "该版本已发布" in operator.content()
    operator.context.close()

    citizen = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = citizen.new_page()
    try:
        page.goto(f"{live_server.url}/services/{published.matter.service_id}/")
        assert "12 个工作日" in page.locator(".tb-facts").inner_text()
    finally:
        citizen.close()


def test_rows_are_added_and_removed_without_javascript(live_server, browser, catalogue):
    """A browser posts every row as it is shown, the blank one included: nothing but what
    the administrator changed may change."""
    published = MatterVersion.objects.get(name=MATTER, status="published")
    conditions = [c["code"] for c in published.conditions]
    account = official("民政局", "data_admin")
    client = force_sign_in(Client(), account)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/workbench/catalogue/")
        page.get_by_role("row").filter(has_text=MATTER).get_by_role("button").click()
        page.wait_for_load_state()
        page.locator("label[for=id_conditions-0-DELETE]").click()
        page.locator("#id_fees-0-item").fill("工本费")
        page.locator("#id_fees-0-standard").fill("免收")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_load_state()
        assert "草稿已保存" in page.content()
        draft = MatterVersion.objects.get(matter=published.matter, status="draft")
        assert [c["code"] for c in draft.conditions] == conditions[1:]
        assert draft.fees == [
            {"item": "工本费", "standard": "免收", "basis": "", "waivable": False}
        ]
        assert [m.code for m in draft.materials.all()] == [
            m.code for m in published.materials.all()
        ]
        assert draft.committed_time_limit == published.committed_time_limit
    finally:
        context.close()
