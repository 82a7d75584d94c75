"""Receipts: other apps show an event's ledger index through tongban.core.receipts, without
importing the ledger; there is none until the event is sealed."""

import pytest

from tests.ledger.conftest import record, seal
from tongban.core.receipts import receipt_for, receipts_for
from tongban.ledger.models import Entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_receipt_until_sealed_then_the_index_and_its_page():
    first, second = record(2)
    assert receipt_for(first.id) is None
    seal()
    receipt = receipt_for(second.id)
    assert receipt.index == Entry.objects.get(event=second).index == 1
    assert receipt.verify_url == "/ledger/verify/1/"


def test_receipts_for_a_list_cost_one_query(django_assert_num_queries):
    events = record(30)
    seal()
    with django_assert_num_queries(1):
        found = receipts_for([event.id for event in events] + [10**9])
    assert sorted(receipt.index for receipt in found.values()) == list(range(30))
    assert receipts_for([]) == {}
