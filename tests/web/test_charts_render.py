"""``render/charts.py`` alone: pure, deterministic, in the reader's number format, and inline
SVG without inline styles (the pages' CSP blocks them)."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from porina.render import charts

DAYS = [f"{d}.12." for d in range(1, 8)]
LINE = charts.Chart(
    "line", "Followers", DAYS, [charts.Series("Followers", [0, 1200, 2400, None, 3600, 4800, 6000])]
)


def test_svg_png_and_pdf_from_the_same_chart() -> None:
    svg = charts.svg(LINE)
    charts.clear_cache()
    assert svg == charts.svg(LINE)  # drawn again: no dates or random ids
    assert ElementTree.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert b"Followers" in svg
    png = charts.png(LINE)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.pdf(LINE)[:5] == b"%PDF-"


def test_numbers_in_the_charts_language() -> None:
    english = charts.svg(LINE).decode()
    finnish = charts.svg(
        charts.Chart(LINE.kind, LINE.title, LINE.labels, LINE.series, locale="fi")
    ).decode()
    assert "1,600" in english
    assert "1\u00a0600" in finnish and "1,600" not in finnish


def test_inline_svg_has_a_name_and_no_inline_styles() -> None:
    for chart in (
        LINE,
        charts.Chart(
            "bars", "By type", ["a", "b"], [charts.Series("x", [1, 2]), charts.Series("y", [2, 0])]
        ),
        charts.Chart("hbars", "Tags", ["#a"], [charts.Series("n", [3])]),
        charts.Chart("heatmap", "Best", ["00", "01"], [charts.Series("Mon", [None, 1.5])]),
        charts.Chart("line", "Nothing", [], []),
    ):
        inline = charts.inline_svg(chart, 'A "quoted" <name>')
        root = ElementTree.fromstring(inline)
        assert root.get("role") == "img"
        assert root.get("aria-label") == 'A "quoted" <name>'
        assert "style=" not in inline and "<style" not in inline


def test_the_cache_draws_each_distinct_chart_once_and_keeps_at_most_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kept by what is drawn: the same chart in the same format is drawn once; another value,
    language, format (the theme's background) or size is another drawing; the oldest go."""
    charts.clear_cache()
    start = charts.RENDERS[0]

    def drawn() -> int:
        return charts.RENDERS[0] - start

    first = charts.svg(LINE)
    assert charts.svg(LINE) == first and drawn() == 1
    changed = charts.Chart(
        LINE.kind, LINE.title, LINE.labels, [charts.Series("Followers", [1] * 7)]
    )
    charts.svg(changed)
    charts.svg(charts.Chart(LINE.kind, LINE.title, LINE.labels, LINE.series, locale="fi"))
    charts.png(LINE)
    assert drawn() == 4
    monkeypatch.setattr(charts, "WIDTH", 3.6)
    assert charts.svg(LINE) != first and drawn() == 5
    monkeypatch.undo()
    monkeypatch.setattr(charts, "CACHE_SIZE", 2)
    charts.clear_cache()
    values = [charts.Chart("line", "n", ["x"], [charts.Series("n", [n])]) for n in range(3)]
    for chart in values:
        charts.svg(chart)
    assert drawn() == 8
    charts.svg(values[1])
    charts.svg(values[2])
    assert drawn() == 8  # the two newest are kept
    charts.svg(values[0])
    assert drawn() == 9  # the oldest was pushed out
    charts.clear_cache()
