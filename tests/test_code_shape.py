"""Files and functions stay small enough to read: no source file over 600 lines, no function
over 50 lines unless listed here with the reason (a table that reads better whole)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "porina"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 50
GENERATED = ("migrations/versions",)
"""Alembic revisions: the initial schema is generated from the models."""
LONG_ON_PURPOSE: dict[str, str] = {}
"""``path::function`` -> why it reads better whole."""


def _sources() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if not any(part in p.relative_to(SRC).as_posix() for part in GENERATED)
    ]


def test_no_source_file_is_over_600_lines() -> None:
    long = {
        p.relative_to(SRC).as_posix(): n
        for p in _sources()
        if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES
    }
    assert long == {}


def test_no_function_is_over_50_lines_unless_listed() -> None:
    long: dict[str, int] = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                name = f"{path.relative_to(SRC).as_posix()}::{node.name}"
                if size > MAX_FUNCTION_LINES and name not in LONG_ON_PURPOSE:
                    long[name] = size
    assert long == {}
