"""The public pages: the checkpoint as plain text, the keys, the overview, and the verify page
that recomputes an entry's proof and explains it in zh-Hans, zh-Hant and English."""

import pytest

from tests.ledger.conftest import as_attacker, record, seal
from tongban.core.receipts import receipt_for
from tongban.ledger.notes import open_note, parse_checkpoint, parse_vkey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sealed():
    events = record(9)
    seal()
    return events


def test_the_checkpoint_is_a_signed_note_that_verifies_with_the_published_keys(client, sealed):
    answer = client.get("/ledger/checkpoint")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    keys_text = client.get("/ledger/keys").content.decode()
    verifier_keys = [parse_vkey(line) for line in keys_text.splitlines()]
    text, signed_by = open_note(answer.content.decode(), verifier_keys)
    head = parse_checkpoint(text)
    assert (head.origin, head.size) == ("tongban.localhost/ledger", 9)
    assert signed_by == verifier_keys[:1]


@pytest.mark.parametrize(
    ("language", "verified", "proven"),
    [
        ("zh-hans", "已验证", "证明了什么"),
        ("zh-hant", "已驗證", "證明了什麼"),
        ("en", "Verified: this record is in the ledger, unchanged", "What was proven"),
    ],
)
def test_the_verify_page_explains_what_was_proven(client, sealed, language, verified, proven):
    receipt = receipt_for(sealed[4].id)
    answer = client.get(receipt.verify_url, HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert verified in page and proven in page
    assert "test.happened" in page and "identity.account:7" in page
    assert 'class="usa-alert usa-alert--success"' in page


def test_a_tampered_record_is_shown_as_not_verified(client, sealed):
    with as_attacker() as cursor:
        cursor.execute("""UPDATE ledger_entry SET leaf = REPLACE(leaf, '"n":4', '"n":5')""")
    page = client.get("/ledger/verify/4/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not verified" in page and "usa-alert--error" in page
    assert "usa-alert--success" not in page


@pytest.mark.parametrize("index", ["9", "123456789", "99999999999999999999999999"])
def test_a_record_not_sealed_yet_is_a_404_that_says_so(client, sealed, index):
    answer = client.get(f"/ledger/verify/{index}/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404
    assert "not in the ledger yet" in answer.content.decode()


def test_the_overview_finds_a_record_by_number_and_refuses_words(client, sealed):
    page = client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    content = page.content.decode()
    assert "The ledger holds 9 records" in content
    assert "tongban.localhost/ledger+" in content  # the verifier key, for auditors
    assert client.get("/ledger/", {"index": "4"})["Location"] == "/ledger/verify/4/"
    refused = client.get("/ledger/", {"index": "四"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Enter the record number as digits" in refused.content.decode()


def test_pages_have_no_inline_scripts_or_styles(client, sealed):
    for url in ("/ledger/", "/ledger/verify/0/", "/ledger/verify/99/"):
        page = client.get(url).content.decode()
        assert "<script>" not in page and " style=" not in page and "<style" not in page
