"""``porina verify-draw URL|FILE``: recompute a published draw proof (docs/draws.md)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from porina.campaigns.proof import ProofError, verify
from porina.settings import Settings

TIMEOUT_SECONDS = 30


def _read(source: str) -> Any:
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    return json.loads(Path(source).read_bytes())


def verify_draw(settings: Settings, args: argparse.Namespace) -> int:
    """Print OK (exit 0) or each difference (exit 1)."""
    del settings
    try:
        doc = _read(args.source)
        if not isinstance(doc, dict):
            raise ProofError("proof: the document is not a JSON object")
        problems = verify(doc)
    except (OSError, ValueError) as exc:
        print(f"porina verify-draw: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if not problems:
        print(f"OK: {len(doc['winners'])} winners and {len(doc['redraws'])} re-draws recomputed")
    return 1 if problems else 0
