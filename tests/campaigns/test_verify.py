"""Changing any input of a draw makes its proof fail; ``porina verify-draw`` on a file and a URL."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porina.__main__ import main
from porina.campaigns.draw import Drawer, Entry
from porina.campaigns.proof import build_proof, verify

accts = st.from_regex(r"[a-z]{1,6}@[a-z]{1,5}\.fi", fullmatch=True)
entry_lists = st.dictionaries(accts, st.integers(1, 9), min_size=2, max_size=12).map(
    lambda d: [Entry(a, t) for a, t in d.items()]
)
secrets = st.binary(min_size=32, max_size=32)


def proof_of(secret: bytes, entries: list[Entry], wanted: int = 2) -> dict[str, Any]:
    return build_proof(secret, entries, wanted, Drawer(secret, entries).many(wanted), [])


@settings(max_examples=40, deadline=None)
@given(secret=secrets, entries=entry_lists, index=st.integers(0, 11), data=st.data())
def test_changing_one_entry_or_ticket_count_fails_verification(
    secret: bytes, entries: list[Entry], index: int, data: st.DataObject
) -> None:
    doc = proof_of(secret, entries)
    assert verify(doc) == []
    lines = doc["entries"].splitlines(keepends=True)
    i = index % len(lines)
    acct, tickets = lines[i].rstrip("\n").split("\t")
    if data.draw(st.booleans()):
        lines[i] = f"{acct}\t{int(tickets) + data.draw(st.integers(1, 5))}\n"
    else:
        lines[i] = f"{acct}x\t{tickets}\n"
    doc["entries"] = "".join(lines)
    assert verify(doc) != []


@settings(max_examples=40, deadline=None)
@given(secret=secrets, other=secrets, entries=entry_lists)
def test_changing_the_secret_fails_verification(
    secret: bytes, other: bytes, entries: list[Entry]
) -> None:
    doc = proof_of(secret, entries)
    if other != secret:
        doc["secret"] = other.hex()
        assert any(p.startswith("commitment mismatch") for p in verify(doc))


def test_a_changed_entries_hash_is_named() -> None:
    doc = proof_of(bytes(32), [Entry("a@b.fi", 1), Entry("c@d.fi", 2)])
    doc["entries_sha256"] = "0" * 64
    assert any(p.startswith("entries hash mismatch") for p in verify(doc))


@pytest.fixture
def proof_file(tmp_path: Path) -> Path:
    path = tmp_path / "proof.json"
    path.write_text(
        json.dumps(proof_of(bytes(range(32)), [Entry("a@b.fi", 1), Entry("c@d.fi", 4)]))
    )
    return path


def test_cli_says_ok_for_a_good_proof_file(
    proof_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-draw", str(proof_file)]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_cli_names_what_differs_and_exits_1(
    proof_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(proof_file.read_text())
    doc["winners"][0]["counter"] = 7
    proof_file.write_text(json.dumps(doc))
    assert main(["verify-draw", str(proof_file)]) == 1
    assert "winner 1 differs" in capsys.readouterr().out


def test_cli_refuses_what_is_not_a_proof(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    assert main(["verify-draw", str(path)]) == 1
    assert "not a JSON object" in capsys.readouterr().err


@pytest.fixture
def served(proof_file: Path) -> Iterator[str]:
    body = proof_file.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/proof"
    server.shutdown()
    server.server_close()


def test_cli_reads_a_proof_from_a_url(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify-draw", served]) == 0
    assert capsys.readouterr().out.startswith("OK")
