"""A citizen finds 出生登记, answers the situation questions and watches the material list
change (htmx), then does the same without JavaScript; axe finds nothing serious."""

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(transactional_db):
    from tongban.demo.seed import seed_demo

    seed_demo()


def materials(page) -> str:
    return page.locator("#checklist").inner_text()


def test_the_birth_registration_guide_follows_the_answers(live_server, page, catalogue):
    page.goto(live_server.url + "/")
    page.fill("#search-field", "宝宝上户口")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="出生登记", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "出生登记"
    assert "非婚生育情况说明" not in materials(page).split("仅在部分情形下需要")[0]
    assert axe_violations(page) == []

    page.get_by_text("未登记结婚（非婚生育）").click()  # htmx swaps the checklist in place
    page.wait_for_function(
        "document.querySelector('#checklist').innerText.split('仅在部分情形下需要')[0]"
        ".includes('非婚生育情况说明')"
    )
    assert "父母结婚证" not in materials(page)

    page.get_by_text("已登记结婚", exact=True).click()
    page.wait_for_function(
        "document.querySelector('#checklist').innerText.split('仅在部分情形下需要')[0]"
        ".includes('父母结婚证')"
    )
    assert "非婚生育情况说明" not in materials(page).split("仅在部分情形下需要")[0]

    page.get_by_text("在外地或境外出生").click()
    page.wait_for_function(
        "document.querySelector('#checklist').innerText.includes('《出生医学证明》原件')"
    )
    assert page.url.endswith("/services/" + page.url.split("/services/")[1])  # no answers in URL
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []


def test_the_questionnaire_works_without_javascript(live_server, browser, catalogue):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="zh-CN"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/services/?theme=birth")
        page.get_by_role("link", name="出生登记", exact=True).click()
        page.get_by_text("未登记结婚（非婚生育）").click()
        page.get_by_role("button", name="查看我需要的材料").click()
        page.wait_for_load_state()
        assert "非婚生育情况说明" in materials(page).split("仅在部分情形下需要")[0]
        assert page.locator("#s-parents_married-no").is_checked()
        page.get_by_role("button", name="打印版办事指南").first.click()
        page.wait_for_load_state()
        assert "一次性告知单：出生登记" in page.get_by_role("heading", level=1).inner_text()
    finally:
        context.close()
