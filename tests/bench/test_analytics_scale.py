"""``porina bench --only analytics`` seeds statuses and interaction events over 180 days, rolls
every day up and times the 90-day overview and one post over time: here on a tiny world
(2,000 statuses, 20,000 events), on SQLite, or on PostgreSQL when PORINA_TEST_DATABASE_URL
names one. The overview's counts must equal what the seeder wrote; times are reported, never
asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PORINA_TEST_DATABASE_URL", "")

pytestmark = pytest.mark.slow


def test_the_scale_world_rolls_up_to_the_figures_it_was_written_with(tmp_path: Path) -> None:
    stack = ["--stack", "pg", "--database-url", PG_URL] if PG_URL else ["--stack", "sqlite"]
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "porina", "bench", "--quick", "--only", "analytics", *stack]
    done = subprocess.run(
        [*command, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [result] = list(tmp_path.glob("*.json"))
    found = json.loads(result.read_text())["analytics"]
    assert (found["statuses"], found["events"]) == (2000, 20000)
    assert found["brand_counts"] == found["brand_written"] and found["figures_match"]
    assert found["brand_counts"]["favourites"] > 100
    assert found["brand_counts"]["reach"] > 1000  # distinct readers of the brand's posts
    assert len(found["overview_ms"]) == len(found["post_ms"]) == len(found["best_times_ms"]) == 5
    names = [t["name"] for t in json.loads(result.read_text())["targets"]]
    assert any("90-day overview" in n for n in names)
    assert any("one post over time" in n for n in names)
    assert any("best times to post" in n for n in names)
