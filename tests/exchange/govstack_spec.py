"""Validate answers against the GovStack Digital Registries YAML (../shared/specs/govstack/).

The YAML is OpenAPI 3.0: `nullable` / `x-nullable` become a null alternative, and `$ref`s are
inlined. The 1.3.0 database YAML refers to `DatabaseInfo` and `DatabasesSchema` but defines
`databaseInfo` and `databasesSchema`: a reference is looked up case-insensitively when the
exact name is missing (spec drift, not ours)."""

from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the project (CI and the main checkout); worktrees sit one level deeper.
SPECS = next(
    folder / "shared" / "specs" / "govstack"
    for folder in ROOT.parents
    if (folder / "shared" / "specs" / "govstack").is_dir()
)
DATA = "GovStack_Digital_registries_BB_Data_API_template-1.3.0.yaml"
DATABASE = "GovStack_Digital_registries_BB_Database_API_template-1.3.0.yaml"
KEBAB = {
    "update-entries": "updateEntries",
    "update-or-create": "updateOrCreate",
    "read-value": "readValue",
}


@cache
def spec(name: str) -> dict:
    return yaml.safe_load((SPECS / name).read_text())


def _schemas(document: dict) -> dict:
    return document.get("components", {}).get("schemas", {})


def _resolve(node, document: dict, depth: int = 0):
    if depth > 30:
        return {}
    if isinstance(node, list):
        return [_resolve(item, document, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        schemas = _schemas(document)
        target = schemas.get(name)
        if target is None:
            target = next(v for k, v in schemas.items() if k.lower() == name.lower())
        return _resolve(target, document, depth + 1)
    resolved = {key: _resolve(value, document, depth + 1) for key, value in node.items()}
    if resolved.pop("nullable", False) | resolved.pop("x-nullable", False):
        return {"anyOf": [resolved, {"type": "null"}]}
    return resolved


def response_schema(spec_name: str, path: str, method: str, status: int) -> dict | None:
    """The JSON Schema of an operation's response body, or None when the spec gives none."""
    document = spec(spec_name)
    response = document["paths"][path][method]["responses"][str(status)]
    content = response.get("content", {}).get("application/json")
    if content is None:
        return None
    return _resolve(content["schema"], document)


def assert_matches_spec(response, spec_name: str, path: str, method: str) -> None:
    """The status is one the spec declares for the operation, and the body fits its schema."""
    document = spec(spec_name)
    declared = document["paths"][path][method]["responses"]
    assert str(response.status_code) in declared, (
        f"{method.upper()} {path} answered {response.status_code}; spec declares {list(declared)}"
    )
    schema = response_schema(spec_name, path, method, response.status_code)
    if schema is not None:
        errors = sorted(Draft7Validator(schema).iter_errors(response.json()), key=str)
        assert not errors, [e.message for e in errors]
