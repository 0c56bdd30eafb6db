"""The social worlds' targets: what one ``porina bench`` run checks against issue 14 (the
request stack, every read endpoint, writes) and issue 3 (fan-out, memory).

Each target is a dict ``{"name", "value", "target", "met"}`` (``report.markdown`` prints
them); ``met`` is None when the run measured the phase but has no figure for it. A load phase
this run did not ask for (``--phases``) gives no target at all.
"""

from __future__ import annotations

from typing import Any, Final

API_READS: Final = (
    "status",
    "context",
    "verify_credentials",
    "instance",
    "instance_v2",
    "account_statuses",
    "public",
    "public_local",
    "tag",
    "notifications",
    "list",
    "favourites",
    "bookmarks",
    "relationships",
    "conversations",
)
"""Issue 14, item 3's read endpoints (each has a phase): each >= 0.15 of the ceiling."""
PAGES: Final = ("profile_page", "local_page", "status_page", "tag_page", "home_page")
"""Item 3's web pages: each >= 0.08 of the ceiling."""
READ_TARGETS: Final[dict[str, float]] = {
    **dict.fromkeys(API_READS, 0.15),
    "search": 0.05,
    **dict.fromkeys(PAGES, 0.08),
}
"""Phase -> its least share of the ceiling, in every world the run measured."""
HOME_TARGET: Final = 0.25
"""The home timeline, in the largest world (issue 3's target, kept)."""
HEALTH_TARGET: Final = 0.70
"""``GET /health``, in the largest world (issue 14, item 2)."""
P99_GROWTH: Final = 1.2
"""p99 of the largest world over p99 of the smallest, for home and every read phase above."""

FAVOURITE_BASELINE: Final = 102 / 19_700
POST_BASELINE: Final = 64 / 19_700
BOOST_BASELINE: Final = 19.7 / 5_706
FOLLOW_BASELINE: Final = 13.1 / 5_706
WRITE_BASELINES: Final[dict[str, float]] = {
    "favourite": FAVOURITE_BASELINE,
    "boost": BOOST_BASELINE,
    "follow": FOLLOW_BASELINE,
    "post": POST_BASELINE,
}
"""Issue 14, item 4: each write >= 5x "today's rate" when the issue was filed (2026-12-04), as a
share of the ceiling; the target is 5x the baseline, rounded to 5 decimals.

- favourite 102/19,700 and post 64/19,700: the issue's own table (favourite 94-102 req/s,
  post 53-64 req/s, beside its ceiling of 19,700 req/s); the upper ends, so the target is
  the stricter one. Those rates are the 2026-11-30 16:08 run's (docs/performance.md, "Latest
  run"), whose own denominator was Porina's ``/health`` (~5,000 req/s), not the bare app: read
  against their own run they would be ~0.019 and ~0.012.
- boost 19.7/5,706 and follow 13.1/5,706: the issue gives no figure. The earliest recorded
  boost and follow rates are docs/performance.md's "Writes (issue 14, item 4)", the row
  "before, 11:34 (9)" of 2026-12-04: the code before that day's write changes, the bare-app
  ceiling at 5,706 req/s in the same run, load average 9. The runs after it that day (11:44,
  11:51, load 11-24, ceiling 2,016-2,467) were busier, and the 2026-12-06 07:57 run
  (boost 27.3, follow 30.2 at ceiling 4,217; "SQLite writes without hops") came after the
  write changes, so it is not the rate at the issue's filing.
"""
WRITE_FACTOR: Final = 5


def stat(results: dict[str, Any], users: int, phase: str, key: str) -> Any:
    """``key`` (``rps``, ``of_ceiling``, ``p99_ms`` ...) of ``phase``'s own endpoint in the
    world of ``users`` accounts; None when that world or phase is not in the results."""
    for world in results["worlds"]:
        if world["users"] == users:
            return world["phases"].get(phase, {}).get(phase, {}).get(key)
    return None


def target(name: str, value: Any, at_least: float | None, at_most: float | None) -> dict[str, Any]:
    """One target line: ``value`` against ``>= at_least`` or ``<= at_most``."""
    met = None if value is None else True
    if value is not None and at_least is not None:
        met = value >= at_least
    if value is not None and at_most is not None:
        met = value <= at_most
    bound = f">= {at_least}" if at_least is not None else f"<= {at_most}"
    return {"name": name, "value": value, "target": bound, "met": met}


def world_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the social worlds, in the order the report lists them."""
    largest = max(w["users"] for w in results["worlds"])
    out = [
        target("GET /health / ceiling", share(results, largest, "health"), HEALTH_TARGET, None),
        target("home timeline / ceiling", share(results, largest, "home"), HOME_TARGET, None),
    ]
    out += read_targets(results)
    out += growth_targets(results)
    out += write_targets(results)
    out += _fanout_and_memory(results)
    return out


def read_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Item 3: each read phase the run measured, in every world, as a share of the ceiling."""
    out = []
    for world in results["worlds"]:
        for phase in world["phases"]:
            if phase in READ_TARGETS:
                value = share(results, world["users"], phase)
                name = f"{phase} / ceiling at {world['users']:,} users"
                out.append(target(name, value, READ_TARGETS[phase], None))
    return out


def growth_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Item 3: with two worlds or more, each read phase's p99 in the largest world over its p99
    in the smallest (only the phases both worlds measured)."""
    sizes = sorted(w["users"] for w in results["worlds"])
    if len(sizes) < 2:
        return []
    small, big = sizes[0], sizes[-1]
    out = []
    for phase in ("home", *READ_TARGETS):
        if not (_ran(results, small, phase) and _ran(results, big, phase)):
            continue
        before = stat(results, small, phase, "p99_ms")
        after = stat(results, big, phase, "p99_ms")
        value = round(after / before, 2) if before and after else None
        out.append(target(f"{phase} p99 at {big:,} vs {small:,} users", value, None, P99_GROWTH))
    return out


def write_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Item 4: each write phase the run measured, in every world, >= 5x its baseline."""
    out = []
    for world in results["worlds"]:
        for phase in world["phases"]:
            if phase in WRITE_BASELINES:
                baseline = WRITE_BASELINES[phase]
                at_least = round(WRITE_FACTOR * baseline, 5)
                name = (
                    f"{phase} / ceiling at {world['users']:,} users "
                    f"({WRITE_FACTOR}x {round(baseline, 4)})"
                )
                out.append(target(name, share(results, world["users"], phase), at_least, None))
    return out


def share(results: dict[str, Any], users: int, phase: str) -> float | None:
    """``phase``'s req/s over the ceiling's in that world, to 5 decimals (the report's
    ``of_ceiling`` has 3: 0.02587 printed as 0.026 passed a target of 0.0259). A phase that ran
    but answered nothing but errors is 0.0 (not met); None when the ceiling or the phase has
    no figure."""
    if not _ran(results, users, phase):
        return None
    ceiling = stat(results, users, "ceiling", "rps")
    rps = stat(results, users, phase, "rps")
    if not ceiling:
        return None
    return round(rps / ceiling, 5) if rps else 0.0


def _ran(results: dict[str, Any], users: int, phase: str) -> bool:
    return any(w["users"] == users and phase in w["phases"] for w in results["worlds"])


def _fanout_and_memory(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 3: fan-out to 100,000 followers and idle memory (unmeasured counts as not met)."""
    out = []
    limit = 2.0 if results["stack"] == "pg-redis" else 5.0
    for row in results["fanout"]:
        if row["followers"] == 100_000:
            fanout = target("100,000-follower fan-out (s)", row["feeds_seconds"], None, limit)
            out.append({**fanout, "met": fanout["met"] is True})
    if results.get("memory"):
        rss = results["memory"]["rss_mb"]
        memory = target("idle RSS after demo (MB)", rss, None, 150)
        out.append({**memory, "met": memory["met"] is True})
    return out
