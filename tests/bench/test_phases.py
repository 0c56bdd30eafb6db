"""``porina bench --phases`` picks load phases by name, always with the ceiling (every ratio
is taken against it), in the bench's own order; a name it does not know is an error that
says which."""

from __future__ import annotations

import pytest

from porina.bench import _phases


def test_chosen_phases_come_with_the_ceiling_in_bench_order() -> None:
    assert [name for name, _ in _phases("post, home")] == ["ceiling", "home", "post"]


def test_unknown_phase_is_named_in_the_error() -> None:
    with pytest.raises(SystemExit, match="homes"):
        _phases("homes")
