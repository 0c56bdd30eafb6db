"""Mail templates: for each kind, ``<locale>/<kind>.txt`` (which also sets ``subject``) and
``<locale>/<kind>.html``, English and Finnish, chosen by the recipient's locale."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

LOCALES = ("en", "fi")
DEFAULT_LOCALE = "en"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(kind: str, locale: str | None, context: dict[str, Any]) -> Rendered:
    """Subject, text and HTML of a ``kind`` message in ``locale`` (English if unsupported)."""
    lang = locale if locale in LOCALES else DEFAULT_LOCALE
    env = environment()
    text_module = env.get_template(f"{lang}/{kind}.txt").make_module(context)
    subject = " ".join(str(getattr(text_module, "subject", "")).split())
    html = env.get_template(f"{lang}/{kind}.html").render(context)
    return Rendered(subject=subject, text=str(text_module).strip() + "\n", html=html)
