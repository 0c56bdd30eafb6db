"""A password hash or check runs on one thread: Argon2's own lane threads (four per hash) made
two CPU-pool threads into eight busy ones, and a login flood starved the event loop. The
hashes are Argon2's all the same: argon2-cffi checks ours and we check its."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters

from porina.accounts import passwords

SAMPLES = ["correct horse battery", "", "pässwörd € with a \x00 in it", "x" * 1024]
TASKS = Path("/proc/self/task")  # the threads of this process (Linux)


@pytest.mark.parametrize("password", SAMPLES, ids=["plain", "empty", "unicode-nul", "long"])
def test_hashes_are_argon2id_that_argon2_cffi_accepts_and_the_other_way_round(
    password: str,
) -> None:
    reference = PasswordHasher()
    ours = passwords.hash_blocking(password)
    assert extract_parameters(ours) == extract_parameters(reference.hash(password))
    assert reference.verify(ours, password)
    assert passwords.verify_blocking(reference.hash(password), password)
    assert not passwords.verify_blocking(ours, password + "!")
    assert not passwords.verify_blocking(reference.hash(password), password + "!")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain text",
        "$argon2id$v=19$m=65536,t=3,p=4$!!!!$????",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$c2hvcnQ",
        passwords.UNKNOWN_USER_HASH,
    ],
    ids=["empty", "plain-text", "bad-base64", "short-hash", "unknown-user-hash"],
)
def test_what_is_no_hash_of_the_password_matches_nothing(stored: str) -> None:
    assert not passwords.verify_blocking(stored, "correct horse battery")


def test_a_check_runs_on_the_calling_thread_alone() -> None:
    stored = PasswordHasher().hash("correct horse battery")  # p=4: four lanes
    before = len(list(TASKS.iterdir()))
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(len(list(TASKS.iterdir())))
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            assert passwords.verify_blocking(stored, "correct horse battery")
            passwords.hash_blocking("another password")
    finally:
        done.set()
        watcher.join()
    assert seen
    assert max(seen) == before + 1  # the watcher itself, and no thread of Argon2's
