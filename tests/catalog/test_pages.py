"""Public catalogue pages: browse, the guide and its questionnaire (without JavaScript and
with htmx), the printable guide, life events, and the portal's entry pages."""

import pytest

pytestmark = pytest.mark.django_db


def guide_url(version, suffix=""):
    return f"/services/{version.matter.service_id}/{suffix}"


def test_the_guide_tells_everything_once(client, demo_version):
    version = demo_version("出生登记")
    answer = client.get(guide_url(version))
    assert answer.status_code == 200
    html = answer.content.decode()
    for text in (
        "出生登记",
        "示范市公安局",
        "承诺办结时限",
        "法定时限：20 个工作日",
        "0 次，全程网办",
        "不收费",
        "《中华人民共和国户口登记条例》第七条",
        "免提交",  # government-held materials
        "您的情形",
        "父母是否已登记结婚？",
        "仅在部分情形下需要",
        "今天申请，预计办结日期",
    ):
        assert text in html, text
    assert 'hx-post="' in html and 'method="post"' in html  # htmx enhances a plain form
    assert "<script>" not in html and "style=" not in html
    assert "no-store" in answer["Cache-Control"]


def test_answers_change_the_material_list_without_javascript(client, demo_version):
    version = demo_version("出生登记")
    married = client.post(guide_url(version), {"s-parents_married": "yes"}).content.decode()
    unmarried = client.post(
        guide_url(version), {"s-parents_married": "no", "s-birth_place": "elsewhere"}
    ).content.decode()
    checklist = lambda html: html.split('id="checklist"')[1].split("办理流程")[0]  # noqa: E731
    assert "父母结婚证" in checklist(married) and "非婚生育情况说明" not in checklist(married)
    assert "非婚生育情况说明" in checklist(unmarried) and "父母结婚证" not in checklist(unmarried)
    assert "《出生医学证明》原件" in checklist(unmarried)
    assert 'value="no" checked' in unmarried  # the answers are kept on the page


def test_htmx_gets_only_the_checklist(client, demo_version):
    version = demo_version("出生登记")
    answer = client.post(guide_url(version), {"s-parents_married": "no"}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert html.startswith('<div id="checklist"') and "<html" not in html
    assert "非婚生育情况说明" in html


def test_nonsense_answers_are_ignored(client, demo_version):
    version = demo_version("出生登记")
    answer = client.post(guide_url(version), {"s-parents_married": "<script>", "s-x": "y"})
    assert answer.status_code == 200


def test_the_printable_guide(client, demo_version):
    version = demo_version("出生登记")
    html = client.post(guide_url(version, "print/"), {"s-parents_married": "no"}).content.decode()
    assert "一次性告知单：出生登记" in html and "未登记结婚（非婚生育）" in html
    assert "未回答" in html  # the questions left open are said
    assert "catalog/catalog.css" in html  # carries the print styles


def test_unknown_guides_and_versions_are_404(client, demo_version):
    version = demo_version("出生登记")
    assert client.get("/services/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(guide_url(version) + "?version=9").status_code == 404
    assert client.get(guide_url(version) + "?version=x").status_code == 404
    assert client.get(guide_url(version) + "?version=99999999999999999999").status_code == 404
    assert client.get(guide_url(version) + "?version=1").status_code == 200


def test_the_guide_in_traditional_chinese_and_english(client, demo_version):
    version = demo_version("出生登记")
    client.cookies["django_language"] = "zh-hant"
    html = client.get(guide_url(version)).content.decode()
    assert "出生登記" in html and "戶口" in html
    client.cookies["django_language"] = "en"
    html = client.get(guide_url(version)).content.decode()
    assert "Birth registration" in html and "Materials you need" in html


def test_browse_by_department_theme_and_audience(client, demo_catalogue):
    from tongban.core.models import Department

    police = Department.objects.get(short_name="公安局")
    listed = lambda html, name: f">{name}</a>" in html  # noqa: E731
    html = client.get("/services/", {"department": police.pk}).content.decode()
    assert listed(html, "出生登记") and not listed(html, "结婚登记")
    html = client.get("/services/", {"theme": "birth"}).content.decode()
    assert listed(html, "出生登记") and not listed(html, "食品经营许可")
    html = client.get("/services/", {"audience": "business"}).content.decode()
    assert listed(html, "食品经营许可") and not listed(html, "出生登记")
    assert client.get("/services/", {"department": "x", "page": "99"}).status_code == 200
    assert client.get("/services/", {"department": "9" * 30}).status_code == 200


def test_life_event_pages(client, demo_catalogue):
    html = client.get("/life-events/").content.decode()
    for name in ("新生儿出生一件事", "企业开办一件事", "退休一件事", "人才落户一件事"):
        assert name in html
    html = client.get("/life-events/newborn/").content.decode()
    assert "一套材料" in html and "一张表单" in html and "出生医学证明签发" in html
    assert html.count("父母是否已登记结婚？") == 1  # asked once for the whole bundle
    answer = client.post(
        "/life-events/newborn/", {"s-parents_married": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert "父母结婚证" in answer.content.decode()
    assert client.get("/life-events/nothing/").status_code == 404


def test_the_portal_shows_the_catalogue(client, demo_catalogue):
    assert "新生儿出生一件事" in client.get("/").content.decode()
    personal = client.get("/personal/").content.decode()
    assert "出生登记" in personal and "生育收养" in personal and "食品经营许可" not in personal
    business = client.get("/business/").content.decode()
    assert "有限责任公司设立登记" in business and "企业开办一件事" in business
    departments = client.get("/departments/").content.decode()
    assert "/services/?department=" in departments
    results = client.get("/search/", {"q": "宝宝上户口"}).content.decode()
    assert "出生登记" in results


@pytest.mark.parametrize(
    "url",
    [
        "/services/",
        "/personal/",
        "/search/?q=证明",
        "/departments/",
        "/life-events/newborn/",
        "/api/v1/catalog/matters?limit=200",
        "/api/v1/catalog/search?q=证明",
        "/api/v1/catalog/life-events/newborn",
        "/govstack/registration/services",
    ],
)
def test_listings_read_in_a_fixed_number_of_queries(
    client, demo_catalogue, url, django_assert_max_num_queries
):
    client.get("/search/?q=warm")  # the search index is built once per process
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
