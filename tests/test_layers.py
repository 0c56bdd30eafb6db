"""Dependencies point down, by rank: the import-linter contract in pyproject.toml holds, can
fail, and names every package (docs/architecture.md draws the ranks)."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import porina

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    layers: list[str] = contract["layers"]
    return layers


def test_packages_depend_downwards_only() -> None:
    result = _lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """A copy of the package with one import up the ranks (core importing the API) fails."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    ids = tmp_path / "src" / "porina" / "core" / "ids.py"
    ids.write_text(ids.read_text() + "\nfrom porina.api.mastodon import auth  # noqa\n")
    result = _lint(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert "porina.core is not allowed to import porina.api" in result.stdout


def test_every_package_has_a_rank() -> None:
    """A new package cannot escape the contract by being left out of it."""
    ranked = {name.strip().strip("()") for layer in _layers() for name in layer.split("|")}
    packages = {f"porina.{info.name}" for info in pkgutil.iter_modules(porina.__path__)}
    assert packages - ranked == set()
