"""docs/events.md lists every event, its fields and its subscribers, exactly as registered."""

from __future__ import annotations

from pathlib import Path

from tests.support.events_doc import BEGIN, END, catalogue, event_types

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_events_doc_lists_every_event_with_its_subscribers_as_registered() -> None:
    text = DOC.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == catalogue(), (
        "docs/events.md is out of date: regenerate the catalogue with "
        "`.venv/bin/python -m tests.support.events_doc`"
    )


def test_every_event_type_is_in_the_catalogue() -> None:
    names = {kind.__name__ for kind in event_types()}
    assert {"StatusCreated", "Favourited", "Followed", "DirectMessageSent"} <= names
    assert all(f"### `{name}`" in catalogue() for name in names)
