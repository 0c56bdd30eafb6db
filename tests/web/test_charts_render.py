"""``render/charts.py`` alone: pure, deterministic, in the reader's number format, and inline
SVG without inline styles (the pages' CSP blocks them)."""

from __future__ import annotations

from xml.etree import ElementTree

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
