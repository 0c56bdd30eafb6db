"""Counts in the web app go through ngettext: 'and 1 other', 'ja 1 muu' (issue 15, item 7)."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from porina.web import i18n

SUMMARY = (
    '{{ ngettext("%(name)s and %(num)s other liked your post",'
    ' "%(name)s and %(num)s others liked your post", n, name="Emma") }}'
)


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("en", 1, "Emma and 1 other liked your post"),
        ("en", 2, "Emma and 2 others liked your post"),
        ("fi", 1, "Emma ja 1 muu tykkäsivät julkaisustasi"),
        ("fi", 2, "Emma ja 2 muuta tykkäsivät julkaisustasi"),
    ],
)
def test_notification_counts_agree_with_the_number(locale: str, n: int, expected: str) -> None:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install(env)
    i18n.activate(locale)
    try:
        assert env.from_string(SUMMARY).render(n=n) == expected
    finally:
        i18n.activate(i18n.DEFAULT)
