"""Imports go downwards only (ARCHITECTURE.md, "Which way imports go"): a lower app that
imported a higher one would tie the kernel to its users. Function-level imports count too."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tongban"

BASE = {"core", "config"}
ALLOWED = {
    "core": {"config"},
    "identity": BASE,
    "catalog": BASE | {"identity"},
    "workflow": BASE | {"identity", "catalog"},
    "exchange": BASE | {"identity"},
    "licences": BASE | {"identity", "exchange"},
    "ledger": BASE,
    "instant": BASE | {"identity", "catalog", "workflow", "exchange", "licences"},
    "intake": BASE | {"identity", "catalog", "workflow", "exchange", "licences", "instant"},
    "portal": BASE | {"identity", "catalog", "workflow", "exchange", "licences", "intake"},
}
TOP = {"config", "demo"}  # the project's wiring and the seed may import every app


def apps() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def imported_apps(app: str) -> dict[str, str]:
    """{imported app: first file importing it} for every `tongban.<app>` import in `app`."""
    found: dict[str, str] = {}
    for path in sorted((PACKAGE / app).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "tongban" and len(parts) > 1 and parts[1] != app:
                    found.setdefault(parts[1], str(path.relative_to(PACKAGE)))
    return found


def test_every_app_has_a_place_in_the_layers():
    assert set(apps()) - TOP <= set(ALLOWED), "add the new app to ALLOWED with its layer"


@pytest.mark.parametrize("app", sorted(set(apps()) - TOP))
def test_an_app_imports_only_the_layers_below_it(app):
    wrong = {
        other: path
        for other, path in imported_apps(app).items()
        if other not in ALLOWED.get(app, set()) and other in set(apps())
    }
    assert not wrong, f"tongban.{app} imports a higher layer: {wrong}"
