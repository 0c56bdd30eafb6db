"""The bounce receiver as a child of ``porina serve`` (when ``PORINA_BOUNCE_SMTP_PORT`` is
set): one receiver process whatever the number of HTTP workers. Light on purpose, like
``serve.py``: the child imports the app's parts, the supervisor does not."""

from __future__ import annotations

import subprocess
import sys

from porina.settings import Settings


def start_beside_serve(settings: Settings) -> subprocess.Popen[bytes] | None:
    """``porina bounces serve`` as a child of ``porina serve`` when PORINA_BOUNCE_SMTP_PORT is
    set (one receiver, whatever the number of HTTP workers); None otherwise."""
    if not settings.bounce_smtp_port:
        return None
    return subprocess.Popen([sys.executable, "-m", "porina", "bounces", "serve"])


def stop_beside_serve(child: subprocess.Popen[bytes] | None) -> None:
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
