"""The Finnish catalog translates every string of the web app, and the compiled catalog the
app loads matches its source."""

from __future__ import annotations

from typing import Any

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from porina.web.i18n import LOCALE_DIR


def test_every_web_string_has_a_finnish_translation() -> None:
    with (LOCALE_DIR / "fi/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="fi")
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
    with (LOCALE_DIR / "messages.pot").open("rb") as f:
        template = read_po(f)
    assert {m.id for m in template if m.id} <= {m.id for m in catalog if m.id}


def _flat(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_finnish_catalog_is_up_to_date() -> None:
    with (LOCALE_DIR / "fi/LC_MESSAGES/messages.po").open("rb") as f:
        source = {_flat(m.id): _flat(m.string) for m in read_po(f, locale="fi") if m.id}
    with (LOCALE_DIR / "fi/LC_MESSAGES/messages.mo").open("rb") as f:
        compiled = {_flat(m.id): _flat(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, "run `make messages`"
