"""fediverse-pasture's ``verify_actor`` application, for the interop tests (run with the
interop environment's Python, see ``bovine_peer.py``): ``python pasture_verify.py PORT``
serves it on 127.0.0.1:PORT over plain http, its generated actors and keys kept in a
temporary folder. ``POST /`` with ``actor_uri`` (and ``Accept: application/json``) makes its
six actors (alice ... frank: unsigned, signed, and actors that answer only signed fetches,
with and without ``preferredUsername``) fetch that actor and post a ``Like`` to its inbox."""

from __future__ import annotations

import os
import sys
import tempfile

from fediverse_pasture.verify_actor import build_app


def main(port: int) -> None:
    os.chdir(tempfile.mkdtemp(prefix="pasture-"))
    app = build_app(False, f"127.0.0.1:{port}", False, 10)
    app.run(port=port, host="127.0.0.1", use_reloader=False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
