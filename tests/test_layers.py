"""Dependencies point down: domains never import front ends; infrastructure never imports a
domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "porina"
FRONT_ENDS = ("porina.api", "porina.web", "porina.cli", "porina.app", "porina.demo", "porina.bench")
DOMAINS = (
    "accounts",
    "posts",
    "interactions",
    "timelines",
    "messaging",
    "groups",
    "desk",
    "analytics",
    "campaigns",
    "search",
)
INFRA = ("core", "storage", "jobs", "streaming")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _files(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_never_imports_a_front_end(domain: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _files(domain)
        for name in _imports(path)
        if name.startswith(FRONT_ENDS)
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", INFRA)
def test_infrastructure_never_imports_a_domain_or_front_end(layer: str) -> None:
    upward = tuple(f"porina.{d}" for d in DOMAINS) + FRONT_ENDS
    allowed_models = ("porina.storage.models",)  # the schema registry imports every domain's tables
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _files(layer)
        if f"porina.{layer}.{path.stem}" not in allowed_models
        and not (layer == "storage" and path.name == "models.py")
        for name in _imports(path)
        if name.startswith(upward)
    ]
    assert offenders == []
