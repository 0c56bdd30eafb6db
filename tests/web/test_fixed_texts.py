"""A post's fixed texts through ``T`` and icons through ``ICON`` (web/fixed_texts.py,
web/icons.py): what ``_()`` and ``icon()`` give, in each language, and every text the
templates look up is listed for ``make messages``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup

from porina.web import fixed_texts, i18n, icons

TEMPLATES = Path(fixed_texts.__file__).parent / "templates"
LOOKUP = re.compile(r"""\bT\[(?P<q>["'])(?P<msgid>.+?)(?P=q)\]""")
ICON_LOOKUP = re.compile(r"""\bICON\[(?P<q>["'])(?P<name>[a-z0-9-]+)(?P=q)\]""")


def _used(pattern: re.Pattern[str], group: str) -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        found.update(m.group(group) for m in pattern.finditer(path.read_text()))
    return found


def test_every_text_the_templates_look_up_is_extracted() -> None:
    used = _used(LOOKUP, "msgid")
    assert used, "no T[...] in the templates"
    assert used <= set(fixed_texts.MSGIDS), used - set(fixed_texts.MSGIDS)


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_a_text_is_what_gettext_gives(locale: str) -> None:
    i18n.activate(locale)
    try:
        for msgid in fixed_texts.MSGIDS:
            shown = fixed_texts.T[msgid]
            assert isinstance(shown, Markup)
            assert shown == Markup(i18n.gettext(msgid)), msgid
        assert fixed_texts.T["%(name)s boosted"] % {"name": "<b>"} == Markup(
            i18n.gettext("%(name)s boosted")
        ) % {"name": "<b>"}
        assert "&lt;b&gt;" in fixed_texts.T["%(name)s boosted"] % {"name": "<b>"}
    finally:
        i18n.activate(i18n.DEFAULT)


def test_finnish_texts_are_finnish() -> None:
    i18n.activate("fi")
    try:
        assert fixed_texts.T["Reply"] != "Reply"
    finally:
        i18n.activate(i18n.DEFAULT)


def test_icons_are_the_sprites_and_an_unknown_one_fails_loudly() -> None:
    for name in _used(ICON_LOOKUP, "name"):
        assert icons.ICON[name] == icons.icon(name)
    with pytest.raises(ValueError, match="no-such-icon"):
        icons.ICON["no-such-icon"]
