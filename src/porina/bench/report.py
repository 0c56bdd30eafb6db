"""Writing results: JSON (everything), a Markdown table and a PNG chart (drawn with Pillow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from porina.bench import desk, login_flood, streams, web_pages

BAR = (52, 101, 164)
TARGET = (204, 0, 0)


def ratio(value: float | None, ceiling: float | None) -> float | None:
    if not value or not ceiling:
        return None
    return round(value / ceiling, 3)


def _stack_line(results: dict[str, Any]) -> str:
    counted = "" if results.get("impressions", True) else "; impressions not counted"
    return (
        f"Stack: {results['stack']}; `porina serve` workers: {results.get('serve_workers', 1)}; "
        f"driver processes: {results['drivers']}{counted}"
    )


def markdown(results: dict[str, Any]) -> str:
    lines = [f"# porina bench — {results['started']}", ""]
    machine = results["machine"]
    lines.append(f"Machine: {machine['cpus']} CPUs, {machine['cpu']}, Python {machine['python']}")
    lines.append(_stack_line(results))
    lines.append(
        "Ceiling: a bare Litestar app on Granian, one worker, a fixed 20-item JSON list "
        "(porina/bench/ceiling.py); every `of ceiling` is req/s over its req/s in the same world."
    )
    lines.append("")
    for world in results["worlds"]:
        lines += [f"## World of {world['users']:,} accounts", ""]
        lines.append(f"Seeded in {world['seed_seconds']} s: {world['rows']}")
        lines.append("")
        lines.append(
            "| phase | endpoint | req/s | of ceiling | p50 ms | p95 ms | p99 ms | errors |"
        )
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for phase, endpoints in world["phases"].items():
            for name, s in endpoints.items():
                lines.append(
                    f"| {phase} | {name} | {s['rps']} | {s.get('of_ceiling')} | {s['p50_ms']} "
                    f"| {s['p95_ms']} | {s['p99_ms']} | {_errors(s)} |"
                )
        lines.append("")
    if results.get("fanout"):
        lines += ["## Fan-out (post → in every follower's home feed)", ""]
        lines.append("| followers | in all feeds (s) | job finished (s) |")
        lines.append("|---:|---:|---:|")
        for row in results["fanout"]:
            lines.append(
                f"| {row['followers']:,} | {row['feeds_seconds']} | {row['job_seconds']} |"
            )
        lines.append("")
    if results.get("memory"):
        mem = results["memory"]
        lines += ["## Memory", "", f"Idle `porina serve` after the demo seed: {mem['rss_mb']} MB"]
        lines.append("")
    lines += streams.markdown(results)
    lines += web_pages.markdown(results)
    lines += login_flood.markdown(results)
    lines += desk.markdown(results)
    lines += ["## Targets", ""]
    for target in results.get("targets", []):
        mark = "met" if target["met"] else ("not met" if target["met"] is False else "n/a")
        lines.append(f"- {target['name']}: {target['value']} (target {target['target']}) — {mark}")
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> None:
    """Bars: each endpoint's throughput as a share of the ceiling, per world."""
    rows: list[tuple[str, float]] = []
    for world in results["worlds"]:
        for phase, endpoints in world["phases"].items():
            for name, s in endpoints.items():
                if name != "ceiling" and s.get("of_ceiling") is not None:
                    rows.append((f"{world['users']:,} {phase}/{name}", float(s["of_ceiling"])))
    width, left, bar_h, gap = 900, 300, 22, 8
    height = 60 + len(rows) * (bar_h + gap) + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (10, 10),
        f"porina bench {results['started']}: req/s as a share of the ceiling (bare app)",
        "black",
    )
    scale = (width - left - 60) / max([1.0, *[v for _, v in rows]])
    quarter = left + int(0.25 * scale)
    draw.line([(quarter, 40), (quarter, height - 20)], fill=TARGET, width=1)
    draw.text((quarter + 4, height - 20), "25% target (home)", TARGET)
    for i, (label, value) in enumerate(rows):
        top = 50 + i * (bar_h + gap)
        draw.text((10, top + 5), label, "black")
        draw.rectangle([left, top, left + int(value * scale), top + bar_h], fill=BAR)
        draw.text((left + int(value * scale) + 6, top + 5), f"{value:.0%}", "black")
    image.save(path)


def write(results: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / results["started"].replace(":", "").replace("-", "")
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2))
    stem.with_suffix(".md").write_text(markdown(results))
    chart(results, stem.with_suffix(".png"))
    return Path(stem)


def _errors(stats: dict[str, Any]) -> str:
    """The error count, with the statuses that answered them: ``3 (500: 2, 404: 1)``."""
    codes = stats.get("error_statuses") or {}
    shown = ", ".join(f"{code}: {n}" for code, n in codes.items())
    return f"{stats['errors']} ({shown})" if shown else str(stats["errors"])
