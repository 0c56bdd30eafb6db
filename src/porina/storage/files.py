"""Media files on the local filesystem, under ``settings.media_dir``.

Paths handed out are relative to the media folder (``media_attachments/ab/abcdef....png``); the
web server serves the folder at ``/media/``. Names are random, so a file's URL cannot be guessed
from another's, and files are written to a temporary name then renamed, so a reader never sees
half a file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path, PurePosixPath

from porina.settings import Settings

_FOLDER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-/")
_EXT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class MediaPathError(ValueError):
    """A relative media path that would leave the media folder, or a bad folder/extension."""


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, settings: Settings) -> MediaStore:
        return cls(settings.media_dir)

    def save(self, data: bytes, folder: str, ext: str) -> str:
        """Write ``data`` under a new random name; return its path relative to the media folder."""
        folder = folder.strip("/")
        ext = ext.lstrip(".").lower()
        if not folder or not set(folder) <= _FOLDER_CHARS or ".." in folder:
            raise MediaPathError(f"invalid media folder {folder!r}")
        if not ext or not set(ext) <= _EXT_CHARS:
            raise MediaPathError(f"invalid media extension {ext!r}")
        name = secrets.token_hex(16)
        rel = f"{folder}/{name[:2]}/{name}.{ext}"
        target = self.path_of(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, target)
        return rel

    def delete(self, rel: str | None) -> None:
        """Remove a stored file; a file already gone is not an error."""
        if not rel:
            return
        self.path_of(rel).unlink(missing_ok=True)

    def path_of(self, rel: str) -> Path:
        """The absolute path of a stored file; refuses paths that leave the media folder."""
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise MediaPathError(f"invalid media path {rel!r}")
        return self.root.joinpath(*pure.parts)

    def exists(self, rel: str) -> bool:
        return self.path_of(rel).is_file()
