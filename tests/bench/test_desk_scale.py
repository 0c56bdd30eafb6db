"""``porina bench --only desk`` seeds a desk world, serves it and reports its figures: on a tiny
world (50 conversations, 400 items) here, on SQLite, or on PostgreSQL when
PORINA_TEST_DATABASE_URL names one. Figures are checked for sense, never for speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PORINA_TEST_DATABASE_URL", "")
VIEWS = ("mine", "unassigned", "mentioned", "all")

pytestmark = pytest.mark.slow


def _bench(out: Path) -> dict[str, object]:
    stack = ["--stack", "pg", "--database-url", PG_URL] if PG_URL else ["--stack", "sqlite"]
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "porina", "bench", "--quick", "--only", "desk", *stack]
    done = subprocess.run(
        [*command, "--seconds", "0.5", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=out,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [result] = list(out.glob("*.json"))
    assert (
        "## The desk at scale (50 conversations, 400 items)"
        in result.with_suffix(".md").read_text()
    )
    data: dict[str, object] = json.loads(result.read_text())
    return data


def test_desk_world_is_seeded_and_every_view_and_the_delay_are_reported(tmp_path: Path) -> None:
    data = _bench(tmp_path)
    desk = data["desk"]
    assert isinstance(desk, dict)
    rows = desk["rows"]
    assert rows["desk_conversations"] == 50 and rows["desk_items"] == 400
    assert rows["desk_mentions"] > 0 and rows["statuses"] > 0
    phases = desk["phases"]
    wanted = {f"desk_{v}_open" for v in VIEWS} | {
        "desk_all_resolved",
        "desk_all_open_next",
        "desk_long_conversation",
        "desk_short_conversation",
    }
    assert set(phases) == {"ceiling", *wanted}
    assert "max_id=" in phases["desk_all_open_next"]["path"]  # the Link header's next page
    for name in wanted:
        stats = phases[name]
        assert stats["errors"] == 0 and stats["requests"] > 0, (name, stats)
        assert stats["of_ceiling"] == round(stats["rps"] / phases["ceiling"]["rps"], 3)
    delay = desk["delay"]
    assert delay["missed"] == 0 and delay["probes"] > 0, delay
    assert 0 < delay["p50_ms"] <= delay["p99_ms"] <= delay["max_ms"]
    # the load beside the probes: a half-second mix may not reach its rarer kinds (a post is
    # one request in ten) on a loaded machine, so what ran is checked, not each kind
    mix = delay["load"]
    assert set(mix) <= {"home", "notifications", "favourite", "post"}, mix
    assert sum(kind["requests"] for kind in mix.values()) > 0, mix
    assert all(kind["errors"] == 0 for kind in mix.values()), mix
    names = [t["name"] for t in data["targets"]]  # type: ignore[attr-defined]
    assert "desk_mine_open / ceiling" in names
    assert any(n.startswith("desk: customer post to inbox item p99") for n in names)
