"""docs/metrics.md says what the dictionary says: every metric's name, both labels, formula
and description, and the figures left out with why."""

from __future__ import annotations

from pathlib import Path

from porina.analytics.dictionary import METRICS, NOT_COUNTED

DOC = (Path(__file__).parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_every_metric_is_documented_as_defined() -> None:
    for m in METRICS:
        assert f"## `{m.name}`: {m.label_en} (FI: {m.label_fi})" in DOC
        assert f"- Formula: `{m.formula}`" in DOC
        assert m.description_en in DOC
        if m.denominator:
            assert f"- Denominator: `{m.denominator}`" in DOC


def test_figures_left_out_say_why() -> None:
    for name, why in NOT_COUNTED.items():
        assert f"- `{name}`: {why}" in DOC


def test_every_metric_has_both_languages() -> None:
    for m in METRICS:
        assert m.label_fi and m.description_fi and m.label_fi != m.label_en
