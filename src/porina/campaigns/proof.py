"""A draw's proof document and its check (docs/draws.md, "The proof").

``build_proof`` writes the JSON-ready document a drawn contest publishes; ``verify`` recomputes
everything from it and returns the differences, an empty list meaning OK.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from porina.campaigns.draw import (
    ALGORITHM,
    Drawer,
    Entry,
    Pick,
    Redraw,
    commitment,
    entries_bytes,
    entries_sha256,
    seed_of,
)

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TICKETS = re.compile(r"[1-9][0-9]*")


class ProofError(ValueError):
    """The document is not a proof at all (missing or malformed fields)."""


def build_proof(
    secret: bytes,
    entries: Sequence[Entry],
    winners_wanted: int,
    winners: Sequence[Pick],
    redraws: Sequence[Redraw],
) -> dict[str, Any]:
    data = entries_bytes(entries)
    return proof_of_file(
        secret,
        data.decode("utf-8"),
        entries_sha256(data),
        winners_wanted=winners_wanted,
        winners=winners,
        redraws=redraws,
    )


def proof_of_file(
    secret: bytes,
    entries: str,
    digest: str,
    *,
    winners_wanted: int,
    winners: Sequence[Pick],
    redraws: Sequence[Redraw],
) -> dict[str, Any]:
    """``build_proof`` from the entries file as the close wrote it (``entries``, normalised
    and sorted, hashing to ``digest``): a stored contest's proof without parsing and sorting
    its entrants again."""
    return {
        "algorithm": ALGORITHM,
        "commitment": commitment(secret),
        "secret": secret.hex(),
        "entries": entries,
        "entries_sha256": digest,
        "seed": seed_of(secret, digest).hex(),
        "winners_wanted": winners_wanted,
        "winners": [{"acct": p.acct, "counter": p.counter} for p in winners],
        "redraws": [
            {
                "replaces": r.replaces,
                "reason": r.reason,
                "at": r.at,
                "acct": r.pick.acct,
                "counter": r.pick.counter,
            }
            for r in redraws
        ],
    }


def parse_entries(text: str) -> tuple[list[Entry], list[str]]:
    """The entries file's lines as entries, and what is wrong with its form."""
    problems: list[str] = []
    entries: list[Entry] = []
    if text and not text.endswith("\n"):
        problems.append("entries: the last line does not end with a newline")
    for number, line in enumerate(text.splitlines(), start=1):
        acct, tab, tickets = line.rpartition("\t")
        if not tab or not acct or not _TICKETS.fullmatch(tickets):
            problems.append(f"entries line {number}: not 'acct TAB tickets' ({line!r})")
            continue
        entries.append(Entry(acct, int(tickets)))
    keys = [e.acct.encode("utf-8") for e in entries]
    if any(a >= b for a, b in _pairs(keys)):
        problems.append("entries: lines are not sorted by acct as UTF-8 bytes without repeats")
    return entries, problems


def _pairs(items: Sequence[bytes]) -> list[tuple[bytes, bytes]]:
    return list(itertools.pairwise(items))


def _field(doc: Mapping[str, Any], name: str, kind: type) -> Any:
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ProofError(f"proof: '{name}' is missing or not a {kind.__name__}")
    return value


def _picks(doc: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    items = _field(doc, name, list)
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("acct"), str):
            raise ProofError(f"proof: every item of '{name}' needs an 'acct'")
        if not isinstance(item.get("counter"), int):
            raise ProofError(f"proof: every item of '{name}' needs an integer 'counter'")
    return list(items)


def _secret(doc: Mapping[str, Any]) -> bytes:
    text = _field(doc, "secret", str)
    if not _HEX64.fullmatch(text):
        raise ProofError("proof: 'secret' is not 64 lower-case hex digits")
    return bytes.fromhex(text)


def _header(doc: Mapping[str, Any], secret: bytes, data: bytes) -> list[str]:
    problems: list[str] = []
    if doc.get("algorithm") != ALGORITHM:
        problems.append(f"algorithm: expected {ALGORITHM}, got {doc.get('algorithm')!r}")
    if (got := doc.get("commitment")) != (want := commitment(secret)):
        problems.append(f"commitment mismatch: sha256(secret) is {want}, the proof says {got}")
    if (got := doc.get("entries_sha256")) != (want := entries_sha256(data)):
        problems.append(f"entries hash mismatch: sha256(entries) is {want}, the proof says {got}")
    return problems


def _compare(label: str, expected: Pick | None, got: Mapping[str, Any]) -> list[str]:
    if expected is None:
        return [
            f"{label}: no entrant is left to draw, got {got['acct']} at counter {got['counter']}"
        ]
    if expected.acct != got["acct"] or expected.counter != got["counter"]:
        return [
            f"{label} differs: expected {expected.acct} at counter {expected.counter}, "
            f"got {got['acct']} at counter {got['counter']}"
        ]
    return []


def _draws(doc: Mapping[str, Any], drawer: Drawer) -> list[str]:
    winners = _picks(doc, "winners")
    redraws = _picks(doc, "redraws")
    wanted = doc.get("winners_wanted", len(winners))
    if not isinstance(wanted, int) or isinstance(wanted, bool):
        raise ProofError("proof: 'winners_wanted' is not an integer")
    expected = drawer.many(wanted)
    problems: list[str] = []
    if len(expected) != len(winners):
        problems.append(f"winners: expected {len(expected)} winners, got {len(winners)}")
    for k, (want, got) in enumerate(zip(expected, winners, strict=False), start=1):
        problems += _compare(f"winner {k}", want, got)
    for k, got in enumerate(redraws, start=1):
        problems += _compare(f"re-draw {k}", drawer.next(), got)
    return problems


def verify(doc: Mapping[str, Any]) -> list[str]:
    """Everything that differs between the proof and a recomputation; [] means OK.

    Raises ProofError when the document lacks the fields a proof needs.
    """
    secret = _secret(doc)
    text = _field(doc, "entries", str)
    entries, problems = parse_entries(text)
    data = text.encode("utf-8")
    problems += _header(doc, secret, data)
    if entries_bytes(entries) != data:
        problems.append("entries: the file is not in canonical form (see docs/draws.md)")
    drawer = Drawer(secret, entries)
    drawer.seed = seed_of(secret, entries_sha256(data))
    return problems + _draws(doc, drawer)
