"""SD-JWT VC (IETF RFC 9901 + SD-JWT VC) for e-licences, signed through `tongban.core.crypto`.

An issuer-signed JWT (`typ: dc+sd-jwt`) carries the claims a verifier needs to judge validity
in the clear (`iss`, `vct`, `iat`, `nbf`, `exp`, `cnf`, `status`) and every personal claim only
as a digest in `_sd`; the holder reveals a claim by attaching its disclosure
`base64url(JSON [salt, name, value])`. A presentation ends with a Key Binding JWT
(`typ: kb+jwt`) signed by the holder key named in `cnf`, over `sd_hash` (the digest of
everything before it), an audience and a nonce, so a copied presentation cannot be passed off
by someone else and goes stale quickly.

Both suites share one code path: `intl` signs with Ed25519 (JOSE `alg` `EdDSA`, JWK `OKP`),
`gm` with SM2 and SM3 (platform-specific `alg` `SM2`, JWK `EC`/`SM2`) and digests disclosures
with SM3 (`_sd_alg` `sm3`). Why this is written here rather than taken from a library:
docs/decisions/0061-sd-jwt.md. This module knows no database; `verification.py` finds keys and
statuses."""

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from typing import Any

from tongban.core import crypto

ISSUER_TYP = "dc+sd-jwt"
KB_TYP = "kb+jwt"
JOSE_ALG = {"Ed25519": "EdDSA", "SM2": "SM2"}
KEY_ALGORITHM = {jose: algorithm for algorithm, jose in JOSE_ALG.items()}
DIGEST_SUITE = {"sha-256": "intl", "sm3": "gm"}
SD_ALG = {"Ed25519": "sha-256", "SM2": "sm3"}
MAX_PRESENTATION_LENGTH = 16_000
SALT_BYTES = 16


class PresentationRejected(Exception):
    """A credential or presentation fails a check; `code` names which (stable, for APIs)."""

    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {detail}" if detail else code)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.isascii() or "=" in text:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def public_jwk(algorithm: str, public: bytes) -> dict[str, str]:
    """The JWK of a public key: OKP/Ed25519, or EC/SM2 with the 32-byte x and y."""
    if algorithm == "Ed25519":
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}
    if algorithm == "SM2":
        return {"kty": "EC", "crv": "SM2", "x": b64url(public[:32]), "y": b64url(public[32:])}
    raise ValueError(f"unknown key algorithm {algorithm!r}")


def key_from_jwk(jwk: Any) -> tuple[str, bytes]:
    """(algorithm, raw public key) of a JWK, or `PresentationRejected("holder_key")`."""
    try:
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            public = b64url_decode(jwk["x"])
            if len(public) == 32:
                return "Ed25519", public
        if jwk.get("kty") == "EC" and jwk.get("crv") == "SM2":
            public = b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
            if len(public) == 64:
                return "SM2", public
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error):
        pass
    raise PresentationRejected("holder_key", "unsupported or malformed holder key")


def digest(sd_alg: str, disclosure: str) -> str:
    return b64url(crypto.suite(DIGEST_SUITE[sd_alg]).hash(disclosure.encode("ascii")))


def sign_jwt(header: dict, payload: dict, key: crypto.KeyPair) -> str:
    """A compact JWS: base64url(header).base64url(payload).base64url(signature)."""
    signing_input = f"{b64url(json_bytes(header))}.{b64url(json_bytes(payload))}"
    return f"{signing_input}.{b64url(crypto.sign(key, signing_input.encode('ascii')))}"


@dataclass(frozen=True)
class Jws:
    header: dict
    payload: dict
    signing_input: bytes
    signature: bytes

    def verify(self, algorithm: str, public: bytes) -> bool:
        alg = self.header.get("alg")
        if not isinstance(alg, str) or KEY_ALGORITHM.get(alg) != algorithm:
            return False
        return crypto.verify(algorithm, public, self.signing_input, self.signature)


def parse_jwt(token: str, code: str) -> Jws:
    """Decode (not verify) a compact JWS; anything malformed is `PresentationRejected(code)`."""
    try:
        header_part, payload_part, signature_part = token.split(".")
        header = json.loads(b64url_decode(header_part))
        payload = json.loads(b64url_decode(payload_part))
        signature = b64url_decode(signature_part)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise PresentationRejected(code, "not a compact JWS") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise PresentationRejected(code, "header and payload must be JSON objects")
    return Jws(header, payload, f"{header_part}.{payload_part}".encode("ascii"), signature)


def make_disclosure(name: str, value: Any) -> str:
    return b64url(json_bytes([b64url(secrets.token_bytes(SALT_BYTES)), name, value]))


def issue_credential(
    *,
    key: crypto.KeyPair,
    kid: str,
    claims: dict[str, Any],
    disclosable: dict[str, Any],
    age_over: dict[int, bool],
    holder_jwk: dict[str, str],
) -> str:
    """`<issuer-jwt>~<disclosure>~...~`: `claims` in the clear, each of `disclosable` and each
    `age_equal_or_over` threshold as its own disclosure."""
    sd_alg = SD_ALG[key.algorithm]
    payload = dict(claims, cnf={"jwk": holder_jwk}, _sd_alg=sd_alg)
    disclosures = [make_disclosure(name, value) for name, value in disclosable.items()]
    payload["_sd"] = sorted(digest(sd_alg, d) for d in disclosures)
    if age_over:
        nested = [make_disclosure(str(age), value) for age, value in sorted(age_over.items())]
        payload["age_equal_or_over"] = {"_sd": sorted(digest(sd_alg, d) for d in nested)}
        disclosures += nested
    header = {"typ": ISSUER_TYP, "alg": JOSE_ALG[key.algorithm], "kid": kid}
    return sign_jwt(header, payload, key) + "~" + "".join(f"{d}~" for d in disclosures)


@dataclass(frozen=True)
class Presentation:
    issuer_jwt: Jws
    disclosures: tuple[str, ...]
    key_binding: Jws | None
    presented: str  # everything the KB-JWT's sd_hash covers

    @property
    def sd_alg(self) -> str:
        return self.issuer_jwt.payload.get("_sd_alg", "sha-256")


def _digest_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(d, str) for d in value)


def _well_shaped(payload: dict) -> bool:
    """The issuer JWT's structural claims have the types this module relies on."""
    nested = payload.get("age_equal_or_over", {})
    status = payload.get("status", {})
    return (
        _digest_list(payload.get("_sd", []))
        and isinstance(payload.get("_sd_alg", "sha-256"), str)
        and isinstance(nested, dict)
        and _digest_list(nested.get("_sd", []))
        and isinstance(status, dict)
        and isinstance(status.get("status_list", {}), dict)
        and isinstance(payload.get("cnf", {}), dict)
    )


def split(text: str) -> Presentation:
    """Parse `<issuer-jwt>~<disclosures>~[<kb-jwt>]` without verifying anything."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PRESENTATION_LENGTH or "~" not in text:
        raise PresentationRejected("malformed", "not an SD-JWT")
    parts = text.split("~")
    issuer_jwt = parse_jwt(parts[0], "malformed")
    if not _well_shaped(issuer_jwt.payload):
        raise PresentationRejected("malformed", "claims of the wrong type")
    disclosures = tuple(parts[1:-1])
    if any(not d for d in disclosures):
        raise PresentationRejected("malformed", "empty disclosure")
    key_binding = parse_jwt(parts[-1], "malformed") if parts[-1] else None
    presented = text[: len(text) - len(parts[-1])]
    return Presentation(issuer_jwt, disclosures, key_binding, presented)


def disclosure_paths(credential: str) -> dict[str, str]:
    """Path (`name`, or `age_equal_or_over.60`) → disclosure, for the holder choosing claims."""
    parsed = split(credential)
    return {path: disclosure for path, (disclosure, _value) in _resolve(parsed).items()}


def _resolve(parsed: Presentation) -> dict[str, tuple[str, Any]]:
    """Match every disclosure to a digest in the payload; path → (disclosure, value).

    Refuses a disclosure whose digest the issuer did not sign (altered or foreign), one that
    appears twice, and one that is not a [salt, name, value] triple."""
    payload = parsed.issuer_jwt.payload
    sd_alg = parsed.sd_alg
    if sd_alg not in DIGEST_SUITE:
        raise PresentationRejected("malformed", "unsupported _sd_alg")
    nested = payload.get("age_equal_or_over") or {}
    places = {d: "" for d in payload.get("_sd", [])}
    places.update({d: "age_equal_or_over." for d in nested.get("_sd", [])})
    resolved: dict[str, tuple[str, Any]] = {}
    seen: set[str] = set()
    for disclosure in parsed.disclosures:
        hashed = digest(sd_alg, disclosure) if disclosure.isascii() else ""
        if hashed not in places or hashed in seen:
            raise PresentationRejected("altered_disclosure", "a disclosure the issuer did not sign")
        seen.add(hashed)
        try:
            salt, name, value = json.loads(b64url_decode(disclosure))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise PresentationRejected(
                "malformed", "disclosure is not [salt, name, value]"
            ) from None
        if not isinstance(name, str) or not isinstance(salt, str) or name in ("_sd", "..."):
            raise PresentationRejected("malformed", "disclosure is not [salt, name, value]")
        resolved[places[hashed] + name] = (disclosure, value)
    return resolved


def disclosed_claims(parsed: Presentation) -> dict[str, Any]:
    """The claims the holder revealed, by path (after every digest check)."""
    return {path: value for path, (_disclosure, value) in _resolve(parsed).items()}


def present(
    credential: str,
    *,
    reveal: set[str],
    holder_key: crypto.KeyPair,
    audience: str,
    nonce: str,
    issued_at: int,
) -> str:
    """The holder's presentation: the issuer JWT, only the disclosures named in `reveal`, and a
    KB-JWT over them bound to `audience` and `nonce`."""
    parsed = split(credential)
    chosen = [d for path, (d, _value) in _resolve(parsed).items() if path in reveal]
    presented = credential.split("~", 1)[0] + "~" + "".join(f"{d}~" for d in chosen)
    sd_hash = b64url(crypto.suite(DIGEST_SUITE[parsed.sd_alg]).hash(presented.encode("ascii")))
    header = {"typ": KB_TYP, "alg": JOSE_ALG[holder_key.algorithm]}
    payload = {"iat": issued_at, "aud": audience, "nonce": nonce, "sd_hash": sd_hash}
    return presented + sign_jwt(header, payload, holder_key)


def check_key_binding(
    parsed: Presentation, *, audience: str, now: int, max_age: int, leeway: int
) -> str:
    """Verify the KB-JWT; returns its nonce. Codes: `missing_key_binding`, `bad_key_binding`,
    `wrong_audience`, `expired_presentation`."""
    kb = parsed.key_binding
    if kb is None:
        raise PresentationRejected("missing_key_binding")
    if kb.header.get("typ") != KB_TYP:
        raise PresentationRejected("bad_key_binding", "typ is not kb+jwt")
    cnf = parsed.issuer_jwt.payload.get("cnf")
    algorithm, public = key_from_jwk(cnf.get("jwk") if isinstance(cnf, dict) else None)
    if not kb.verify(algorithm, public):
        raise PresentationRejected("bad_key_binding", "not signed by the holder key")
    expected = b64url(
        crypto.suite(DIGEST_SUITE[parsed.sd_alg]).hash(parsed.presented.encode("ascii"))
    )
    if kb.payload.get("sd_hash") != expected:
        raise PresentationRejected("bad_key_binding", "sd_hash does not cover these disclosures")
    if kb.payload.get("aud") != audience:
        raise PresentationRejected("wrong_audience")
    issued_at = kb.payload.get("iat")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise PresentationRejected("bad_key_binding", "no iat")
    if issued_at > now + leeway or issued_at < now - max_age - leeway:
        raise PresentationRejected("expired_presentation")
    nonce = kb.payload.get("nonce")
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= 200:
        raise PresentationRejected("bad_key_binding", "no nonce")
    return nonce
