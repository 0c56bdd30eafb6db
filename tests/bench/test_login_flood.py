"""The login flood phase (``porina bench``, docs/performance.md): a real server, a probe
timed alone and under a flood of wrong passwords, with every guess checked and then with the
login throttle on. Small sizes; the figures are the benchmark's to report, never asserted."""

from __future__ import annotations

import pytest

from porina.bench import login_flood

pytestmark = pytest.mark.slow


async def test_the_phase_times_the_probe_idle_and_flooded_and_the_throttle_refuses() -> None:
    found = await login_flood.measure(flooders=2, seconds=0.5, limit=1)
    checked, throttled = found["runs"]["every guess checked"], found["runs"]["throttled"]
    for run in (checked, throttled):
        for phase in ("idle", "flooded"):
            assert run[phase]["requests"] > 0
            assert run[phase]["errors"] == 0
            assert {"p50_ms", "p99_ms", "max_ms"} <= set(run[phase])
        assert run["attempts"] >= 2
    assert set(checked["statuses"]) == {"401"}  # every wrong guess answered, none refused
    assert throttled["statuses"]["401"] == 1  # one guess allowed from the address ...
    assert throttled["statuses"]["429"] == throttled["attempts"] - 1  # ... then refusals
    report = "\n".join(login_flood.markdown({"login_flood": found}))
    assert "## Login flood" in report
    assert "| every guess checked |" in report
    assert "| throttled |" in report
