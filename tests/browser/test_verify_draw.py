"""static/verify-draw.js in a real browser: it recomputes docs/draws.md's published vectors
(OK), and for tampered proofs says exactly what ``porina verify-draw`` says (the Python check's
own lines, compared word for word), in English and in Finnish."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from porina.campaigns.draw import SPACE, Drawer, Entry, Redraw, accepted
from porina.campaigns.proof import ProofError, build_proof, verify

pytestmark = [pytest.mark.browser]

SECRET = bytes(range(32))
ENTRANTS = [
    Entry("alice@example.org", 3),
    Entry("bob@Example.ORG", 1),
    Entry("carol@cafe.example", 2),
    Entry("dave@example.org", 5),
    Entry("Émile@kahvila.fi", 1),
]
VECTOR_ENTRIES_SHA256 = "1ff37173922fc925d771767ee4690ac92f5fff9bcc79a3609c77ffbbe397e872"
CHECK = "([doc, lang]) => import('/static/verify-draw.js').then((m) => m.check(doc, lang))"


def vector_proof() -> dict[str, Any]:
    """docs/draws.md's vectors: three winners, then two re-draws."""
    drawer = Drawer(SECRET, ENTRANTS)
    winners = drawer.many(3)
    redraws = []
    for replaced in winners[:2]:
        pick = drawer.next()
        assert pick is not None
        redraws.append(Redraw(replaced.acct, "prize unclaimed", "2026-12-04T20:00:00Z", pick))
    return build_proof(SECRET, sorted(ENTRANTS, key=lambda e: e.acct), 3, winners, redraws)


def tampered() -> list[dict[str, Any]]:
    base = vector_proof()
    changes: list[dict[str, Any]] = [
        {"secret": "00" * 32},
        {"entries": base["entries"].replace("dave@example.org\t5", "dave@example.org\t6")},
        {"entries": base["entries"].replace("bob@", "Bob@")},
        {"entries": base["entries"] + "zed@x.fi\tlots\n"},
        {"entries_sha256": "0" * 64},
        {"algorithm": "porina-draw-v0"},
        {"winners": base["winners"][:2]},
        {"winners": [base["winners"][1], base["winners"][0], base["winners"][2]]},
        {"redraws": [*base["redraws"], {"acct": "x@y.fi", "counter": 5}]},
        {"secret": "not hex"},
        {"winners_wanted": "three"},
    ]
    return [{**copy.deepcopy(base), **change} for change in changes]


def python_lines(doc: dict[str, Any]) -> list[str]:
    try:
        problems = verify(doc)
    except ProofError as exc:
        return [str(exc)]
    counts = f"{len(doc['winners'])} winners and {len(doc['redraws'])} re-draws"
    return problems or [f"OK: {counts} recomputed"]


def test_the_browser_check_agrees_with_porina_verify_draw(new_page: Any) -> None:
    page = new_page()
    page.goto("/about")
    good = vector_proof()
    assert good["entries_sha256"] == VECTOR_ENTRIES_SHA256
    result = page.evaluate(CHECK, [good, "en"])
    assert result == {"ok": True, "lines": ["OK: 3 winners and 2 re-draws recomputed"]}
    for doc in tampered():
        result = page.evaluate(CHECK, [doc, "en"])
        assert result["ok"] is False
        assert result["lines"] == python_lines(doc)

    finnish = page.evaluate(CHECK, [tampered()[0], "fi"])
    assert finnish["lines"][0].startswith("sitoumus ei täsmää: sha256(secret) on 66687aad")
    assert page.evaluate(CHECK, [good, "fi"])["lines"] == [
        "OK: 3 voittajaa ja 2 uusinta-arvontaa laskettu uudelleen"
    ]


def test_the_browser_rejects_the_biased_tail_as_python_does(new_page: Any) -> None:
    """Constructed values (no real draw reaches the tail): the edge of the tail for 3 and for
    a million tickets, against ``draw.accepted``."""
    page = new_page()
    page.goto("/about")
    cases = []
    for total in (3, 1_000_000):
        edge = SPACE - SPACE % total
        cases += [(edge - 1, total), (edge, total), (SPACE - 1, total), (12345, total)]
    got = page.evaluate(
        """(cases) => import('/static/verify-draw.js').then((m) => cases.map(([v, t]) => {
            const r = m.accepted(BigInt(v), BigInt(t));
            return r === null ? null : r.toString();
        }))""",
        [[str(v), str(t)] for v, t in cases],
    )
    want = [None if (r := accepted(v, t)) is None else str(r) for v, t in cases]
    assert got == want
    assert want.count(None) == 4
