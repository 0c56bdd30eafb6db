"""Mail templates: every kind in English and Finnish, text and HTML, the same link in both
parts, and what a person typed escaped in the HTML."""

from __future__ import annotations

import pytest

from porina.mail.templates import LOCALES, render

KINDS = ("password_reset", "confirmation")
CONTEXT = {
    "instance": "Kahvila <Porina>",
    "base_url": "https://porina.example",
    "name": "Aino <script>",
    "username": "aino",
    "email": "aino@example.com",
    "link": "https://porina.example/auth/x?token=abc&y=1",
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_speaks_english_and_finnish_with_the_link_in_both_parts(kind: str) -> None:
    rendered = {lang: render(kind, lang, CONTEXT) for lang in LOCALES}
    assert rendered["en"].subject != rendered["fi"].subject
    assert rendered["en"].text != rendered["fi"].text
    for lang, mail in rendered.items():
        assert mail.subject and "\n" not in mail.subject
        assert CONTEXT["link"] in mail.text
        assert 'href="https://porina.example/auth/x?token=abc&amp;y=1"' in mail.html
        assert f'<html lang="{lang}">' in mail.html
        assert "Aino &lt;script&gt;" in mail.html and "<script>" not in mail.html


def test_an_unknown_locale_gets_english() -> None:
    assert render("confirmation", "sv", CONTEXT) == render("confirmation", "en", CONTEXT)
    assert render("confirmation", None, CONTEXT) == render("confirmation", "en", CONTEXT)
