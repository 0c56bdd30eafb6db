"""docs/events.md lists every event (the core's, the desk's and every other package's), its
fields and its subscribers, exactly as registered."""

from __future__ import annotations

from pathlib import Path

from tests.support.events_doc import (
    BEGIN,
    DESK_BEGIN,
    DESK_END,
    END,
    PACKAGES_BEGIN,
    PACKAGES_END,
    catalogue,
    desk_catalogue,
    desk_event_types,
    event_types,
    package_event_types,
    packages_catalogue,
)

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


def test_events_doc_lists_every_desk_event_with_its_subscribers_as_registered() -> None:
    text = DOC.read_text()
    start, end = text.index(DESK_BEGIN), text.index(DESK_END) + len(DESK_END)
    assert text[start:end] == desk_catalogue(), (
        "docs/events.md's desk catalogue is out of date: regenerate it with "
        "`.venv/bin/python -m tests.support.events_doc`"
    )
    names = {kind.__name__ for kind in desk_event_types()}
    assert {"DeskItemAdded", "DeskAssigned", "DeskSentimentOverridden", "DeskSlaBreached"} <= names
    table = text[text.index("| event | emitted by |") : start]
    assert {n for n in names if f"| `{n}` |" in table} == names, "the table lists every desk event"


def test_events_doc_lists_every_other_packages_events_as_registered() -> None:
    text = DOC.read_text()
    start, end = text.index(PACKAGES_BEGIN), text.index(PACKAGES_END) + len(PACKAGES_END)
    assert text[start:end] == packages_catalogue(), (
        "docs/events.md's packages catalogue is out of date: regenerate it with "
        "`.venv/bin/python -m tests.support.events_doc`"
    )
    modules = {kind.__module__ for kind in package_event_types()}
    assert {"porina.groups.events", "porina.anonymity.events", "porina.calls.events"} <= modules
