"""`porina bench --quick` runs end to end and writes every section (figures are not checked:
speed is measured by the benchmark, never asserted by tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from porina.bench import SINGLE

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_quick_bench_writes_json_markdown_and_chart_with_every_section(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"  # the bench's temporary worlds (tempfile's TMPDIR)
    scratch.mkdir()
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "TMPDIR": str(scratch)}
    done = subprocess.run(
        # The desk's part has a test of its own (test_desk_scale.py).
        [sys.executable, "-m", "porina", "bench", "--quick", "--no-desk", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "[bench" in done.stdout  # progress is printed while it runs
    assert not list(scratch.glob("porina-bench-*"))  # every world's folder removed after it
    [result] = list(tmp_path.glob("*.json"))
    assert result.with_suffix(".md").exists()
    assert result.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(result.read_text())
    for section in ("machine", "worlds", "fanout", "memory", "targets"):
        assert data[section], section
    phases = data["worlds"][0]["phases"]
    # every row of issue 14's table, the ceiling first; list ... conversations included
    assert {"list", "favourites", "bookmarks", "relationships", "conversations"} <= set(SINGLE)
    for phase in [*SINGLE, "mix"]:
        assert phases[phase], phase
        for stats in phases[phase].values():
            assert {"rps", "p50_ms", "p95_ms", "p99_ms", "of_ceiling"} <= set(stats)
            assert stats["errors"] == 0, (phase, stats)
            assert stats["requests"] > 0, phase
    rows = data["worlds"][0]["rows"]  # what the list ... conversations phases read, seeded
    for table in ("lists", "list_accounts", "bookmarks", "direct_statuses", "mentions"):
        assert rows[table] > 0, (table, rows)
    assert rows["account_conversations"] == 2 * rows["direct_statuses"]  # one each side
    assert next(iter(phases)) == "ceiling" and phases["ceiling"]["ceiling"]["of_ceiling"] == 1.0
    health = phases["health"]["health"]
    assert health["of_ceiling"] == round(health["rps"] / phases["ceiling"]["ceiling"]["rps"], 3)
    assert "bare Litestar app" in result.with_suffix(".md").read_text()
    assert any(t["name"] == "GET /health / ceiling" for t in data["targets"])
    assert data["fanout"][0]["feeds_seconds"] is not None
    streaming = data["streaming"]  # the streaming phase, tiny: 20 streams, posts at 10/s
    assert streaming["connected"] == streaming["streams"] == 20, streaming
    assert streaming["posts"] > 0 and streaming["post_errors"] == 0, streaming
    assert streaming["deliveries"] > 0 and streaming["expected"] >= streaming["deliveries"]
    assert {"sse", "ws"} == {name.split()[0] for name in streaming["by_stream"]}
    for name, kind in streaming["by_stream"].items():  # each kind's own delays
        assert not kind["arrived"] or 0 < kind["delay_p50_ms"] <= kind["delay_p99_ms"], name
    assert set(streaming["rest"]) == {"home", "status"}
    assert any(t["name"].startswith("stream delivery p99") for t in data["targets"])
