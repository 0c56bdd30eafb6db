"""The four audiences a status can have, as Mastodon names them (a constant every layer
shares: account preferences name one before any status exists)."""

from __future__ import annotations

VISIBILITIES = ("public", "unlisted", "private", "direct")
