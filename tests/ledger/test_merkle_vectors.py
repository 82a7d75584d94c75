"""The project's proof verifiers against every RFC 9162 vector published by
transparency-dev/merkle (../shared/testdata/merkle): accept every `wantErr: false`, reject
every `wantErr: true`."""

import base64
import json
from pathlib import Path

import pytest

from tongban.ledger import merkle

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the project (a worktree sits one level deeper, so look further up too).
VECTORS = next(
    (
        folder / "shared" / "testdata" / "merkle"
        for folder in ROOT.parents
        if (folder / "shared" / "testdata" / "merkle").is_dir()
    ),
    ROOT.parent / "shared" / "testdata" / "merkle",
)
SHA256 = merkle.hasher_for("intl")


def vectors(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json")) if VECTORS.is_dir() else []


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def vector_id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


@pytest.fixture(autouse=True)
def _need_vectors():
    if not VECTORS.is_dir():
        pytest.skip(f"the shared test vectors are not at {VECTORS}")


@pytest.mark.parametrize("path", vectors("inclusion"), ids=vector_id)
def test_inclusion_vector(path):
    case = json.loads(path.read_text())
    proof = [b64(item) for item in case["proof"] or []]

    def check():
        merkle.verify_inclusion(
            SHA256,
            case["leafIdx"],
            case["treeSize"],
            b64(case["leafHash"]),
            proof,
            b64(case["root"]),
        )

    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize("path", vectors("consistency"), ids=vector_id)
def test_consistency_vector(path):
    case = json.loads(path.read_text())
    proof = [b64(item) for item in case["proof"] or []]

    def check():
        merkle.verify_consistency(
            SHA256, case["size1"], case["size2"], proof, b64(case["root1"]), b64(case["root2"])
        )

    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            check()
    else:
        check()


def test_every_vector_is_exercised():
    inclusion, consistency = vectors("inclusion"), vectors("consistency")
    assert len(inclusion) + len(consistency) == len(list(VECTORS.rglob("*.json")))
    cases = [json.loads(p.read_text()) for p in inclusion + consistency]
    assert any(c["wantErr"] for c in cases) and any(not c["wantErr"] for c in cases)
