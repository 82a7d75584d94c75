"""Untrusted presentations of any JSON shape get an answer with a reason, never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.licences import sdjwt, services, verification

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
claim_names = st.sampled_from(
    [
        "_sd",
        "_sd_alg",
        "iss",
        "vct",
        "cnf",
        "status",
        "age_equal_or_over",
        "exp",
        "typ",
        "kid",
        "alg",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    header=st.dictionaries(claim_names, json_values, max_size=4),
    payload=st.dictionaries(claim_names, json_values, max_size=6),
    disclosures=st.lists(json_values, max_size=3),
    key_binding=st.one_of(st.none(), st.dictionaries(claim_names, json_values, max_size=3)),
)
def test_any_shape_is_answered(senior_card, header, payload, disclosures, key_binding):
    def part(value):
        return sdjwt.b64url(sdjwt.json_bytes(value))

    text = f"{part(header)}.{part(payload)}.AAAA~"
    text += "".join(f"{part(d)}~" for d in disclosures)
    if key_binding is not None:
        text += f"{part({'typ': 'kb+jwt'})}.{part(key_binding)}.AAAA"
    verdict = verification.verify_presentation(text, audience=services.verifier_audience())
    assert verdict.genuine is False
    assert verdict.reason in verification.REASONS


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(claims=st.dictionaries(claim_names, json_values, max_size=6))
def test_a_correctly_signed_credential_with_odd_claims_is_answered(senior_card, claims):
    """Even content signed with a real department key (only the platform can make it) with
    claims of odd types gets an answer, not an exception."""
    key = senior_card.signing_key
    header = {"typ": "dc+sd-jwt", "alg": "EdDSA", "kid": key.kid}
    text = sdjwt.sign_jwt(header, claims, key.key_pair()) + "~"
    verdict = verification.verify_presentation(text, audience=services.verifier_audience())
    assert verdict.reason in verification.REASONS
