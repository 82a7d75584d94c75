"""Verification: genuine licences pass; every forgery of the issue's list is "not genuine" with
its reason; presentations show only what the holder disclosed."""

import datetime
import json
import secrets
import time

import pytest
from django.utils import timezone

from tests.licences.conftest import department
from tongban.core import crypto
from tongban.licences import sdjwt, services, verification
from tongban.licences.models import Licence, PresentationUse

pytestmark = pytest.mark.django_db


def audience():
    return services.verifier_audience()


def present(licence, reveal=("holder_name", "age_equal_or_over.60"), actor=None, **kwargs):
    return services.create_presentation(
        licence=licence, reveal=list(reveal), actor=actor or licence.holder.account, **kwargs
    )


def check(text, **kwargs):
    return verification.verify_presentation(text, audience=audience(), **kwargs)


def reissue(licence, *, key: crypto.KeyPair, kid: str, payload_changes=None, header_changes=None):
    """The licence's SD-JWT with its issuer JWT re-signed by `key` after changes."""
    parsed = sdjwt.split(licence.credential)
    header = {**parsed.issuer_jwt.header, **(header_changes or {})}
    header["kid"] = kid
    payload = {**parsed.issuer_jwt.payload, **(payload_changes or {})}
    return sdjwt.sign_jwt(header, payload, key) + "~" + licence.credential.split("~", 1)[1]


def key_present(credential, licence, reveal=("holder_name",)):
    return sdjwt.present(
        credential,
        reveal=set(reveal),
        holder_key=services.wallet_key(licence),
        audience=audience(),
        nonce=secrets.token_urlsafe(16),
        issued_at=int(time.time()),
    )


def key_binding(presented: str, key: crypto.KeyPair) -> str:
    """A KB-JWT over `presented`, fresh and for the platform's verifier, signed by `key`."""
    return sdjwt.sign_jwt(
        {"typ": "kb+jwt", "alg": "EdDSA"},
        {
            "iat": int(time.time()),
            "aud": audience(),
            "nonce": "n" * 16,
            "sd_hash": sdjwt.b64url(crypto.suite("intl").hash(presented.encode())),
        },
        key,
    )


# -- by identifier ---------------------------------------------------------------------------


def test_a_genuine_identifier(senior_card):
    verdict = verification.verify_identifier(senior_card.identifier)
    assert (verdict.genuine, verdict.reason, verdict.status) == (True, "genuine", "valid")
    assert verdict.issuer == "示范市民政局"
    assert verdict.licence_type == "老年人优待证"
    assert verdict.disclosed == []  # nothing about the holder


def test_wrong_check_character(senior_card):
    text = senior_card.identifier
    wrong = text[:-1] + ("Z" if text[-1] != "Z" else "Y")
    verdict = verification.verify_identifier(wrong)
    assert (verdict.genuine, verdict.reason) == (False, "identifier_check")


@pytest.mark.parametrize("text", ["", "hello", "1.2.156.3005.2." + "A" * 60, "<script>"])
def test_malformed_identifier(text, city):
    verdict = verification.verify_identifier(text)
    assert (verdict.genuine, verdict.reason) == (False, "identifier_malformed")


def test_unknown_identifier(senior_card):
    from tongban.licences import identifiers

    parsed = identifiers.parse(senior_card.identifier)
    other = identifiers.build(
        type_code=parsed.type_code, issuer_code=parsed.issuer_code, serial=parsed.serial + 99
    )
    assert verification.verify_identifier(other).reason == "unknown_licence"


def test_altered_content_is_not_genuine(senior_card):
    document = senior_card.document
    document["fields"]["birth_date"] = "1979-03-08"
    Licence.objects.filter(pk=senior_card.pk).update(
        content=crypto.encrypt_text(
            json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            context="licences.licence.content",
        )
    )
    assert verification.verify_identifier(senior_card.identifier).reason == "bad_signature"


def test_altered_validity_column_is_not_genuine(senior_card):
    Licence.objects.filter(pk=senior_card.pk).update(valid_until=datetime.date(2099, 1, 1))
    assert verification.verify_identifier(senior_card.identifier).reason == "altered"


def test_signed_with_another_departments_key_is_not_genuine(senior_card, business_licence):
    foreign = business_licence.signing_key  # 市场监督管理局's key
    signature = crypto.b64encode(crypto.sign(foreign.key_pair(), senior_card.content.encode()))
    Licence.objects.filter(pk=senior_card.pk).update(signing_key=foreign, signature=signature)
    assert verification.verify_identifier(senior_card.identifier).reason == "foreign_key"


def test_revoked_suspended_and_expired_are_genuine_but_not_valid(
    senior_card, civil_affairs_approver
):
    services.suspend_licence(licence=senior_card, reason="核查中", actor=civil_affairs_approver)
    verdict = verification.verify_identifier(senior_card.identifier)
    assert (verdict.genuine, verdict.status, verdict.accepted) == (True, "suspended", False)
    services.revoke_licence(licence=senior_card, reason="信息有误", actor=civil_affairs_approver)
    assert verification.verify_identifier(senior_card.identifier).status == "revoked"
    residence = Licence.objects.get(licence_type__code="disability_card")
    Licence.objects.filter(pk=residence.pk).update(valid_until=datetime.date(2020, 1, 1))
    # the column now disagrees with the signed content: altered, not merely expired
    assert verification.verify_identifier(residence.identifier).reason == "altered"


def test_expired_licence(city, civil_affairs_approver):
    from tests.licences.conftest import make_citizen

    holder = make_citizen("liuna").person
    licence = services.issue_licence(
        licence_type="residence_permit",
        issuer=department("公安局"),
        holder=holder,
        fields={"address": "示范市青山区", "gender": "女"},
        source_case="RP-1",
        actor="system:test",
        valid_from=datetime.date(2020, 1, 1),
    )
    verdict = verification.verify_identifier(licence.identifier)
    assert (verdict.genuine, verdict.status) == (True, "expired")
    text = present(licence, reveal=["holder_name"])
    verdict = check(text)
    assert (verdict.genuine, verdict.status, verdict.accepted) == (True, "expired", False)


# -- by presentation -------------------------------------------------------------------------


def test_a_presentation_shows_only_what_the_holder_chose(senior_card):
    verdict = check(present(senior_card))
    assert (verdict.genuine, verdict.status, verdict.accepted) == (True, "valid", True)
    assert {d["claim"]: d["value"] for d in verdict.disclosed} == {
        "holder_name": "王秀英",
        "age_equal_or_over.60": "是",
    }
    assert verdict.identifier == ""  # not disclosed
    use = PresentationUse.objects.get()
    assert use.licence == senior_card
    assert sorted(use.disclosed) == ["age_equal_or_over.60", "holder_name"]


def test_the_presentation_carries_no_undisclosed_value(senior_card):
    text = present(senior_card)
    decoded = "".join(
        sdjwt.b64url_decode(part + "=" * 0).decode("utf-8", "replace")
        for part in text.replace("~", ".").split(".")
        if part
    )
    assert senior_card.holder.id_number not in decoded
    assert "1959-03-08" not in decoded
    assert "王秀英" in decoded


def test_a_replayed_presentation_is_refused(senior_card):
    text = present(senior_card)
    assert check(text).reason == "genuine"
    verdict = check(text)
    assert (verdict.genuine, verdict.reason) == (False, "replayed")
    assert PresentationUse.objects.count() == 1


def test_an_expired_presentation_is_refused(senior_card):
    text = present(senior_card)
    later = timezone.now() + datetime.timedelta(minutes=6)
    assert check(text, now=later).reason == "expired_presentation"
    earlier = timezone.now() - datetime.timedelta(minutes=2)
    assert check(text, now=earlier).reason == "expired_presentation"  # from the future
    assert PresentationUse.objects.count() == 0


def test_a_presentation_for_another_verifier_is_refused(senior_card):
    text = present(senior_card, audience="https://elsewhere.example")
    assert check(text).reason == "wrong_audience"


def test_an_altered_disclosure_is_refused(senior_card):
    text = present(senior_card, reveal=["holder_name"])
    issuer_jwt, disclosure, kb = text.split("~")
    salt, _name, _value = json.loads(sdjwt.b64url_decode(disclosure))
    forged = sdjwt.b64url(sdjwt.json_bytes([salt, "holder_name", "李四"]))
    assert check(f"{issuer_jwt}~{forged}~{kb}").reason == "altered_disclosure"


def test_an_added_age_claim_is_refused(senior_card):
    """A holder under 60 cannot make up an age disclosure: its digest was never signed."""
    text = present(senior_card, reveal=["holder_name"])
    issuer_jwt, disclosure, _kb = text.split("~")
    made_up = sdjwt.make_disclosure("60", True)
    presented = f"{issuer_jwt}~{disclosure}~{made_up}~"
    forged = presented + key_binding(presented, services.wallet_key(senior_card))
    assert check(forged).reason == "altered_disclosure"


def test_an_altered_issuer_jwt_is_refused(senior_card):
    text = present(senior_card)
    header, payload, signature = text.split("~", 1)[0].split(".")
    claims = json.loads(sdjwt.b64url_decode(payload))
    claims["exp"] = 4102444800
    altered = ".".join([header, sdjwt.b64url(sdjwt.json_bytes(claims)), signature])
    assert check(altered + "~" + text.split("~", 1)[1]).reason == "bad_signature"


def test_signed_by_another_departments_key_is_refused(senior_card, business_licence):
    foreign = business_licence.signing_key
    forged = reissue(senior_card, key=foreign.key_pair(), kid=foreign.kid)
    assert check(key_present(forged, senior_card)).reason == "foreign_key"


def test_a_department_that_does_not_issue_the_type_is_refused(senior_card, business_licence):
    foreign = business_licence.signing_key
    forged = reissue(
        senior_card,
        key=foreign.key_pair(),
        kid=foreign.kid,
        payload_changes={"iss": services.issuer_name(foreign.department)},
    )
    assert check(key_present(forged, senior_card)).reason == "not_issuer"


def test_an_unknown_key_is_refused(senior_card):
    stranger = crypto.suite("intl").generate_signing_key()
    forged = reissue(senior_card, key=stranger, kid="stranger")
    assert check(key_present(forged, senior_card)).reason == "unknown_key"


def test_a_presentation_without_key_binding_is_refused(senior_card):
    text = present(senior_card)
    without = text[: text.rindex("~") + 1]
    assert check(without).reason == "missing_key_binding"


def test_key_binding_by_someone_else_is_refused(senior_card):
    text = present(senior_card)
    presented = text[: text.rindex("~") + 1]
    thief = crypto.suite("intl").generate_signing_key()
    forged = presented + key_binding(presented, thief)
    assert check(forged).reason == "bad_key_binding"


def test_key_binding_over_other_disclosures_is_refused(senior_card):
    small = present(senior_card, reveal=["holder_name"])
    large = present(senior_card, reveal=["holder_name", "birth_date"])
    kb_of_small = small[small.rindex("~") + 1 :]
    mixed = large[: large.rindex("~") + 1] + kb_of_small
    assert check(mixed).reason == "bad_key_binding"


def test_a_revoked_licence_presentation_is_genuine_but_revoked(senior_card, civil_affairs_approver):
    services.revoke_licence(licence=senior_card, reason="冒领", actor=civil_affairs_approver)
    verdict = check(present(senior_card))
    assert (verdict.genuine, verdict.status, verdict.accepted) == (True, "revoked", False)


@pytest.mark.parametrize(
    "text",
    ["", "~", "a.b.c~", "x" * 20000, "eyJ9.eyJ9.AA~~", "é~", "a~b~c", "..~..~..", "1.2.3~"],
)
def test_garbage_is_malformed_never_an_error(text, city):
    verdict = check(text)
    assert verdict.genuine is False
    assert verdict.reason in verification.REASONS
