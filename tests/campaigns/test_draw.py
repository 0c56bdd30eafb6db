"""porina-draw-v1 against the test vectors published in docs/draws.md, and its rejection step."""

from __future__ import annotations

import pytest

from porina.campaigns import draw
from porina.campaigns.draw import SPACE, Drawer, Entry, Pick
from porina.campaigns.proof import build_proof, verify

SECRET = bytes(range(32))
ENTRIES = [
    Entry("alice@example.org", 3),
    Entry("bob@Example.ORG", 1),
    Entry("carol@cafe.example", 2),
    Entry("dave@example.org", 5),
    Entry("Émile@kahvila.fi", 1),
]
FILE = (
    "alice@example.org\t3\nbob@example.org\t1\ncarol@cafe.example\t2\n"
    "dave@example.org\t5\nÉmile@kahvila.fi\t1\n"
)


def test_vector_entries_file_commitment_hash_and_seed() -> None:
    data = draw.entries_bytes(ENTRIES)
    assert data == FILE.encode("utf-8")
    assert draw.commitment(SECRET) == (
        "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    )
    digest = draw.entries_sha256(data)
    assert digest == "1ff37173922fc925d771767ee4690ac92f5fff9bcc79a3609c77ffbbe397e872"
    assert draw.seed_of(SECRET, digest).hex() == (
        "29a806bf5778a74e75f9fad763b6bb3e238e72c9c2ff9cb1a0f185e68f6b72fc"
    )


def test_vector_draw_values() -> None:
    seed = bytes.fromhex("29a806bf5778a74e75f9fad763b6bb3e238e72c9c2ff9cb1a0f185e68f6b72fc")
    assert hex(draw.draw_value(seed, 0)) == (
        "0x6adfcac590df625a2f95288934033d0bec480548c67b0489b605992716f08f1a"
    )
    assert hex(draw.draw_value(seed, 3)) == (
        "0xcaab3536abc3649b4afb0407853c708cacbe416d7d29f8577e390c834aea109b"
    )


def test_vector_winners_then_a_redraw_continue_one_counter_sequence() -> None:
    drawer = Drawer(SECRET, ENTRIES)
    assert drawer.many(3) == [
        Pick("alice@example.org", 0),
        Pick("dave@example.org", 1),
        Pick("bob@example.org", 2),
    ]
    assert drawer.next() == Pick("carol@cafe.example", 3)
    assert drawer.next() == Pick("Émile@kahvila.fi", 4)
    assert drawer.next() is None


def test_the_walk_picks_the_first_entrant_whose_running_sum_exceeds_t() -> None:
    entries = [Entry("a@x", 3), Entry("b@x", 1), Entry("c@x", 2)]
    assert [draw.choose(entries, t) for t in range(6)] == [0, 0, 0, 1, 2, 2]


def test_values_in_the_biased_tail_are_rejected() -> None:
    limit = SPACE - SPACE % 3
    assert draw.accepted(limit - 1, 3) == (limit - 1) % 3
    assert draw.accepted(limit, 3) is None
    assert draw.accepted(SPACE - 1, 3) is None
    assert draw.accepted(SPACE - 1, 1) == 0  # 2^256 mod 1 = 0: nothing is rejected


def test_a_rejected_value_consumes_its_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    real = draw.draw_value

    def rejecting_first(seed: bytes, counter: int) -> int:
        return SPACE - 1 if counter == 0 else real(seed, counter)

    monkeypatch.setattr(draw, "draw_value", rejecting_first)
    entries = [Entry("a@x", 1), Entry("b@x", 2)]  # T = 3: 2^256 - 1 is in the rejected tail
    pick = Drawer(SECRET, entries).next()
    assert pick is not None
    assert pick.counter == 1


def test_the_published_proof_verifies_and_a_changed_winner_is_named() -> None:
    drawer = Drawer(SECRET, ENTRIES)
    winners = drawer.many(3)
    redraw = draw.Redraw(
        "alice@example.org", "prize unclaimed", "2026-12-04T20:00:00Z", drawer.next() or Pick("", 0)
    )
    proof = build_proof(SECRET, ENTRIES, 3, winners, [redraw])
    assert proof["entries"] == FILE
    assert verify(proof) == []
    proof["winners"][1]["acct"] = "bob@example.org"
    assert verify(proof) == [
        "winner 2 differs: expected dave@example.org at counter 1, got bob@example.org at counter 1"
    ]


def test_pseudonyms_are_stable_per_key_and_hide_the_account_id() -> None:
    key = bytes(32)
    name = draw.pseudonym(key, 42)
    assert name == draw.pseudonym(key, 42)
    assert name.startswith("anon-") and len(name) == 5 + 16
    assert name != draw.pseudonym(key, 43)
    assert name != draw.pseudonym(bytes([1]) * 32, 42)
