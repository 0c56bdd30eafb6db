"""Every desk and calendar refusal that carries values (a name someone sent, a field, a
limit, a state) is made from a template marked ``N_`` (``core.errors.PorinaError.filled``);
the Finnish catalogue has each template, with the same placeholders, so a Finnish page can
say it with the values in."""

from __future__ import annotations

import ast
from pathlib import Path

from porina.core.errors import Conflict
from porina.desk import rules
from porina.desk.errors import InvalidDeskRequest
from porina.web import errors, i18n

SOURCE = Path(__file__).resolve().parents[2] / "src" / "porina"
PACKAGES = ("desk", "calendar")
"""The packages whose refusals with values are templates (``babel.cfg`` extracts them)."""


def _templates() -> set[str]:
    found: set[str] = set()
    for path in sorted(p for name in PACKAGES for p in (SOURCE / name).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(str(node.args[0].value))
    return found


class _Recorder(dict[str, object]):
    """Fills any placeholder, remembering its name."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def __missing__(self, key: str) -> object:
        self.asked.add(key)
        return key


def _used(text: str) -> set[str]:
    recorder = _Recorder()
    text % recorder
    return recorder.asked


def test_every_desk_template_has_its_finnish_with_the_same_values() -> None:
    templates = _templates()
    assert len(templates) >= 20  # the refusals with values, and the schedule's problems
    i18n.activate("fi")
    try:
        for template in sorted(templates):
            finnish = i18n._(template)
            assert finnish != template, f"no Finnish for {template!r}"
            assert _used(finnish) == _used(template), template
    finally:
        i18n.activate(i18n.DEFAULT)


def test_a_page_fills_the_translated_template_and_the_api_keeps_english() -> None:
    refusal = Conflict.filled("A label '%(name)s' exists already", name="Kiireellinen")
    assert refusal.message == "A label 'Kiireellinen' exists already"
    i18n.activate("fi")
    try:
        assert errors.message_for(refusal) == (409, "Tunniste 'Kiireellinen' on jo olemassa.")
    finally:
        i18n.activate(i18n.DEFAULT)
    assert errors.message_for(refusal) == (409, "A label 'Kiireellinen' exists already")


def test_a_rules_refusal_says_the_variable_in_english_and_in_finnish() -> None:
    try:
        rules._check_reply("Hi {{etunimi}}")
    except InvalidDeskRequest as refusal:
        assert refusal.message.startswith(
            "Validation failed: actions.reply has an unknown variable {{etunimi}} (known: "
        )
        i18n.activate("fi")
        try:
            _status, finnish = errors.message_for(refusal)
        finally:
            i18n.activate(i18n.DEFAULT)
        assert finnish.startswith("Automaattisessa vastauksessa on tuntematon muuttuja {{etunimi}}")
    else:
        raise AssertionError("accepted")
