"""The docs cannot drift from the code: every setting and CLI command is documented, and the
README opens with the two commands CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from porina.settings import setting_names

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"`(PORINA_[A-Z0-9_]+)`", text))
    assert set(setting_names()) - documented == set(), "settings missing from the docs"
    assert documented - set(setting_names()) == set(), "docs mention settings that do not exist"


def test_readme_opens_with_the_run_and_test_commands() -> None:
    head = (ROOT / "README.md").read_text().split("\n\n", 3)[:3]
    opening = "\n".join(head)
    assert "make run" in opening
    assert "make test" in opening


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_is_documented() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "porina", "--help"], capture_output=True, text=True, check=True
    ).stdout
    commands = re.findall(r"^\s{4}(\w+)\s", out, re.MULTILINE)
    assert commands, out
    text = (ROOT / "docs" / "cli.md").read_text()
    missing = [c for c in commands if f"porina {c}" not in text]
    assert missing == []
