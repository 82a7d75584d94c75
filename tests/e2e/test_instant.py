"""A retiree applies for the 老年人优待证 in the browser and gets it in the same request, with
the explanation of which rules applied and which data came from where."""

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import force_sign_in
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from tongban.intake.forms import PREFIX as P  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def signed_in_page(browser, live_server, account):
    client = Client()
    force_sign_in(client, account)
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
    return context, context.new_page()


def test_a_retiree_gets_the_senior_card_instantly_with_its_explanation(
    live_server, browser, tmp_path, settings
):
    from tongban.catalog.models import MatterVersion
    from tongban.demo import people
    from tongban.demo.seed import seed_demo
    from tongban.identity.models import Account, Person

    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo()
    retiree = people.person("wangxiuying")
    person = Person.objects.get(id_number_index=Person.index_for(retiree.id_number))
    account = Account.objects.get(pk=person.account_id)
    version = MatterVersion.objects.get(name="老年人优待证办理", status="published")
    context, page = signed_in_page(browser, live_server, account)
    try:
        page.goto(f"{live_server.url}/apply/{version.pk}/")
        page.fill(f"[name={P}applicant_name]", retiree.name)
        page.fill(f"[name={P}applicant_id_number]", retiree.id_number)
        page.locator(f"label[for=id_{P}card_0]").click()
        page.fill(f"[name={P}mobile]", retiree.phone)
        page.fill(f"[name={P}address]", retiree.address)
        page.locator("main form.usa-form button[type=submit]").click()
        photo = tmp_path / "photo.png"
        photo.write_bytes(PNG)
        page.select_option("select[name=material]", "photo")
        page.set_input_files("input[type=file]", str(photo))
        page.locator("form[enctype] button[type=submit]").click()
        page.locator("button[name=submit]").click()
        page.wait_for_selector(".instant-explanation")
        text = page.inner_text("main")
        assert "已按公开的规则即时批准" in text
        assert "您已年满60周岁，且为本市户籍，符合办理条件。" in text
        assert "年满60周岁的本市户籍老年人" in text  # the rule that applied
        assert "户籍人口" in text and "示范市公安局" in text  # where the data came from
        assert "67" in text
        assert axe_violations(page) == []
        page.get_by_role("link", name="老年人优待证").click()
        assert "老年人优待证" in page.inner_text("main")
    finally:
        context.close()
