"""C2SP signed notes and checkpoints: byte-for-byte what Go's golang.org/x/mod/sumdb/note
produces, and every malformed or untrusted note refused."""

import base64

import pytest

from tongban.ledger.notes import (
    NoteError,
    NoteKey,
    NoteSigner,
    TreeHead,
    open_note,
    parse_checkpoint,
    parse_vkey,
    sign_note,
)

# The example of golang.org/x/mod/sumdb/note (note.go's package documentation).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def go_signer() -> NoteSigner:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])[1:]
    return NoteSigner(parse_vkey(GO_VKEY), seed)


def test_a_note_signed_by_go_verifies_and_ours_is_identical():
    key = parse_vkey(GO_VKEY)
    assert (key.name, key.algorithm, key.key_id.hex()) == ("PeterNeumann", "Ed25519", "c74f20a3")
    assert key.vkey == GO_VKEY
    text, signed_by = open_note(GO_NOTE, [key])
    assert text == GO_TEXT and signed_by == [key]
    assert sign_note(GO_TEXT, [go_signer()]) == GO_NOTE


@pytest.mark.parametrize(
    "mangle",
    [
        lambda note: note.replace("cryptography", "cryptographY"),
        lambda note: note.replace("x08go", "x08gp"),
        lambda note: note.replace("— ", "- "),
        lambda note: note.rstrip("\n"),
        lambda note: note.replace("\n\n", "\n"),
        lambda note: note + "extra\n",
        lambda note: note.replace("PeterNeumann x08", "PeterNeumann  x08"),
        lambda note: note.replace("then", "th\ten"),
        lambda note: note.replace("x08go/ZJkuBS9UG/", "!!"),
    ],
    ids=[
        "altered-text",
        "altered-signature",
        "no-em-dash",
        "no-final-newline",
        "no-blank-line",
        "trailing-garbage",
        "double-space",
        "control-character",
        "not-base64",
    ],
)
def test_altered_or_malformed_notes_are_refused(mangle):
    with pytest.raises(NoteError):
        open_note(mangle(GO_NOTE), [parse_vkey(GO_VKEY)])


def test_a_note_signed_by_unknown_keys_only_is_refused_and_unknown_signatures_are_ignored():
    stranger = NoteKey("PeterNeumann", "Ed25519", b"\1" * 32)
    with pytest.raises(NoteError, match="no trusted key"):
        open_note(GO_NOTE, [stranger])
    # A second signature by a key we do not know does not matter.
    cosigned = GO_NOTE + "— witness.example AAAAAAAAAAAAAAAA\n"
    assert open_note(cosigned, [parse_vkey(GO_VKEY)])[0] == GO_TEXT


def test_sm2_signatures_use_the_private_type_and_verify():
    from tongban.core import crypto

    pair = crypto.suite("gm").generate_signing_key()
    signer = NoteSigner(NoteKey("gov.example/ledger", "SM2", pair.public), pair.private)
    head = TreeHead("gov.example/ledger", 7, b"\3" * 32)
    note = sign_note(head.text, [signer])
    assert parse_vkey(signer.key.vkey) == signer.key
    assert base64.b64decode(signer.key.vkey.split("+", 2)[2]).startswith(b"\xfftongban/sm2-sm3")
    text, signed_by = open_note(note, [signer.key])
    assert parse_checkpoint(text) == head and signed_by == [signer.key]
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note.replace("\n7\n", "\n8\n"), [signer.key])


@pytest.mark.parametrize(
    "text",
    [
        "origin\n12\n",
        "origin\n012\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n12\nAAAA\n",
        "origin\n12\nnot base64!\n",
        "\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "origin\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+c74f20a3+AhQc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong type
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann",
    ],
)
def test_malformed_verifier_keys_are_refused(vkey):
    with pytest.raises(NoteError):
        parse_vkey(vkey)
