"""SD-JWT VC interoperability: an independent implementation (openvc-core) verifies what the
platform issues and presents, and the platform verifies what a holder's own wallet presents."""

import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import override_settings
from openvc.proof.errors import ProofError
from openvc.proof.sd_jwt import SdJwtVcProofSuite

from tests.licences.conftest import client_for
from tongban.licences import sdjwt, services, verification

pytestmark = pytest.mark.django_db


def issuer_jwk(licence):
    key = licence.signing_key
    return sdjwt.public_jwk(key.algorithm, key.public_bytes)


def test_openvc_verifies_the_wallets_selective_presentation(senior_card, retiree):
    text = services.create_presentation(
        licence=senior_card, reveal=["holder_name", "age_equal_or_over.60"], actor=retiree
    )
    parsed = sdjwt.split(text)
    assert parsed.issuer_jwt.header["typ"] == "dc+sd-jwt"
    assert parsed.key_binding.header["typ"] == "kb+jwt"
    result = SdJwtVcProofSuite().verify(
        text,
        public_key_jwk=issuer_jwk(senior_card),
        audience=services.verifier_audience(),
        nonce=parsed.key_binding.payload["nonce"],
        require_key_binding=True,
        expected_vct="urn:tongban:licence:senior_card",
    )
    assert result.key_bound and result.typ == "dc+sd-jwt"
    assert result.claims["holder_name"] == "王秀英"
    assert result.claims["age_equal_or_over"] == {"60": True}
    for hidden in ("birth_date", "holder_id", "gender", "household_district", "licence_id"):
        assert hidden not in result.claims
    # and the platform's own verifier agrees
    verdict = verification.verify_presentation(text, audience=services.verifier_audience())
    assert verdict.accepted


def test_openvc_refuses_what_the_platform_refuses(senior_card, retiree, business_licence):
    text = services.create_presentation(licence=senior_card, reveal=["holder_name"], actor=retiree)
    nonce = sdjwt.split(text).key_binding.payload["nonce"]
    suite = SdJwtVcProofSuite()
    with pytest.raises(ProofError):  # another department's key
        suite.verify(
            text,
            public_key_jwk=issuer_jwk(business_licence),
            audience=services.verifier_audience(),
            nonce=nonce,
            require_key_binding=True,
        )
    with pytest.raises(ProofError):  # another audience
        suite.verify(
            text,
            public_key_jwk=issuer_jwk(senior_card),
            audience="https://elsewhere.example",
            nonce=nonce,
            require_key_binding=True,
        )


class OwnWalletKey:
    """A holder's own wallet app key, outside the platform (openvc's SigningKey protocol)."""

    alg = "EdDSA"
    kid = None

    def __init__(self):
        self.private = Ed25519PrivateKey.generate()

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    @property
    def jwk(self):
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": sdjwt.b64url(raw)}


def test_a_holders_own_wallet_presents_and_the_platform_verifies(senior_card, retiree):
    wallet = OwnWalletKey()
    response = client_for(retiree).post(
        f"/api/v1/licences/{senior_card.pk}/credential",
        {"holder_jwk": wallet.jwk},
        content_type="application/json",
    )
    assert response.status_code == 201
    credential = response.json()["credential"]
    # The holder's wallet keeps only the disclosures it wants to show (age 60 and name).
    keep = {
        d
        for path, d in sdjwt.disclosure_paths(credential).items()
        if path in ("holder_name", "age_equal_or_over.60")
    }
    issuer_jwt = credential.split("~", 1)[0]
    reduced = issuer_jwt + "~" + "".join(f"{d}~" for d in keep)
    nonce = secrets.token_urlsafe(16)
    presentation = SdJwtVcProofSuite().create_presentation(
        reduced, holder_key=wallet, audience=services.verifier_audience(), nonce=nonce
    )
    verdict = verification.verify_presentation(presentation, audience=services.verifier_audience())
    assert verdict.accepted, verdict.reason
    assert {d["claim"] for d in verdict.disclosed} == {"holder_name", "age_equal_or_over.60"}


def test_gm_presentations_verify_on_the_platform(city, retiree, civil_affairs_approver):
    """openvc-core has no SM2, so the gm suite's SD-JWT is checked by the platform's verifier
    and its SM2 signature independently through gmssl-pyx."""
    import gmssl_pyx

    from tests.licences.conftest import SENIOR_FIELDS, department

    with override_settings(TONGBAN_CRYPTO_SUITE="gm"):
        licence = services.issue_licence(
            licence_type="senior_card",
            issuer=department("民政局"),
            holder=retiree.person,
            fields=SENIOR_FIELDS,
            source_case="GM-1",
            actor=civil_affairs_approver,
        )
        text = services.create_presentation(
            licence=licence, reveal=["holder_name", "age_equal_or_over.60"], actor=retiree
        )
        verdict = verification.verify_presentation(text, audience=services.verifier_audience())
    assert verdict.accepted
    issuer_jwt = sdjwt.split(text).issuer_jwt
    assert gmssl_pyx.sm2_verify(
        licence.signing_key.public_bytes,
        issuer_jwt.signing_input,
        issuer_jwt.signature,
        signer_id=b"1234567812345678",
    )
