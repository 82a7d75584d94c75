"""The public read API: entries, proofs (verified with the project's own verifiers) and the
log's description; every bad number is a 400 with the shared error schema, never a 500."""

import base64

import pytest

from tests.ledger.conftest import record, seal
from tongban.ledger import merkle
from tongban.ledger.models import Checkpoint
from tongban.ledger.notes import open_note, parse_checkpoint, parse_vkey

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/ledger"
SHA256 = merkle.hasher_for("intl")


@pytest.fixture
def sealed():
    record(12)
    seal(batch_size=5)  # checkpoints at 5, 10, 12


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def signed_root(client, size=None) -> bytes:
    log = client.get(f"{API}/log").json()
    verifier_keys = [parse_vkey(vkey) for vkey in log["verifier_keys"]]
    note = (
        Checkpoint.objects.filter(tree_size=size).first().note
        if size
        else client.get("/ledger/checkpoint").content.decode()
    )
    text, _signers = open_note(note, verifier_keys)
    return parse_checkpoint(text).root_hash


def test_the_api_is_public_and_described(client, sealed):
    answer = client.get(f"{API}/log")
    assert answer.status_code == 200
    body = answer.json()
    assert body["origin"] == "tongban.localhost/ledger"
    assert body["hash_algorithm"] == "SHA-256"
    assert body["tree_size"] == 12
    assert body["checkpoint_url"].endswith("/ledger/checkpoint")
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/entries/{index}", "/proof/inclusion", "/proof/consistency"):
        operation = schema["paths"][f"{API}{path}"]["get"]
        assert "400" in operation["responses"]
        assert not operation.get("security")


def test_an_entry_and_its_inclusion_proof_verify(client, sealed):
    root = signed_root(client)
    for index in range(12):
        entry = client.get(f"{API}/entries/{index}").json()
        leaf_hash = SHA256.leaf(entry["leaf"].encode())
        assert b64(entry["leaf_hash"]) == leaf_hash
        proof = client.get(f"{API}/proof/inclusion", {"index": index, "tree_size": 12}).json()
        assert b64(proof["leaf_hash"]) == leaf_hash
        merkle.verify_inclusion(
            SHA256, index, 12, leaf_hash, [b64(p) for p in proof["proof"]], root
        )


def test_consistency_proofs_between_signed_checkpoints_verify(client, sealed):
    roots = {size: signed_root(client, size) for size in (5, 10, 12)}
    for first, second in ((5, 10), (5, 12), (10, 12), (12, 12)):
        answer = client.get(f"{API}/proof/consistency", {"first": first, "second": second})
        assert answer.status_code == 200
        proof = [b64(p) for p in answer.json()["proof"]]
        merkle.verify_consistency(SHA256, first, second, proof, roots[first], roots[second])


def test_checkpoint_history_pages_back(client, sealed):
    sizes = [c["tree_size"] for c in client.get(f"{API}/checkpoints").json()["items"]]
    assert sizes == [12, 10, 5]
    older = client.get(f"{API}/checkpoints", {"before_size": "10", "limit": "5"}).json()
    assert [c["tree_size"] for c in older["items"]] == [5]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/entries/abc", {}, "index"),
        ("/entries/-1", {}, "index"),
        ("/entries/１２", {}, "index"),  # full-width digits
        ("/entries/99999999999999999999999", {}, "index"),
        ("/entries/1e3", {}, "index"),
        ("/proof/inclusion", {"index": "x", "tree_size": "12"}, "index"),
        ("/proof/inclusion", {"index": "1", "tree_size": "+12"}, "tree_size"),
        ("/proof/inclusion", {"index": "1", "tree_size": "1_2"}, "tree_size"),
        ("/proof/inclusion", {"index": "12", "tree_size": "12"}, "index"),
        ("/proof/inclusion", {"index": "0", "tree_size": "13"}, "tree_size"),
        ("/proof/inclusion", {"index": "0", "tree_size": "0"}, "tree_size"),
        ("/proof/inclusion", {"index": "0", "tree_size": "9" * 19}, "tree_size"),
        ("/proof/inclusion", {"index": "0", "tree_size": "9" * 400}, "tree_size"),
        ("/proof/consistency", {"first": "10", "second": "5"}, "first"),
        ("/proof/consistency", {"first": "0", "second": "5"}, "first"),
        ("/proof/consistency", {"first": "5", "second": "13"}, "second"),
        ("/proof/consistency", {"first": "5.0", "second": "12"}, "first"),
        ("/proof/consistency", {"first": " 5", "second": "12"}, "first"),
        ("/checkpoints", {"limit": "0"}, "limit"),
        ("/checkpoints", {"limit": "many"}, "limit"),
        ("/checkpoints", {"before_size": "-3"}, "before_size"),
    ],
)
def test_bad_numbers_get_a_declared_400(client, sealed, path, params, field):
    answer = client.get(f"{API}{path}", params)
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["code"] in {"invalid_number", "out_of_range"}
    assert body["message"] and list(body["fields"]) == [field]


def test_an_entry_not_sealed_yet_is_404(client, sealed):
    record(1)
    answer = client.get(f"{API}/entries/12")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_sealed"


def test_an_empty_ledger_answers_without_errors(client):
    assert client.get(f"{API}/log").json()["tree_size"] == 0
    assert client.get("/ledger/checkpoint").status_code == 404
    assert client.get(f"{API}/proof/inclusion", {"index": 0, "tree_size": 1}).status_code == 400
    assert client.get(f"{API}/checkpoints").json() == {"items": []}


def test_messages_are_localized(client, sealed):
    english = client.get(f"{API}/entries/x", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    chinese = client.get(f"{API}/entries/x", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["message"]
    assert english.startswith("Give a whole number")
    assert chinese != english


def test_a_proof_the_damaged_tables_cannot_give_is_a_declared_503(client):
    from tests.ledger.conftest import as_attacker

    record(20)
    seal()
    with as_attacker() as cursor:
        cursor.execute("DELETE FROM ledger_node")
    answer = client.get(f"{API}/proof/inclusion", {"index": 17, "tree_size": 20})
    assert answer.status_code == 503
    assert answer.json()["code"] == "ledger_damaged"
