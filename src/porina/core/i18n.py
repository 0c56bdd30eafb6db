"""The languages Porina speaks and how a request's language is chosen, shared by the pages
(``web/i18n.py``) and the API's error messages (``api/mastodon/localized.py``).

``from_accept_language`` reads an ``Accept-Language`` header by quality; ``catalog`` loads a
compiled gettext catalog (Babel) once per process. Each front end keeps its own catalogs
(``web/locale``: the pages; ``api/locale``: the API's messages) and its own order of
preference between the header, a cookie and the signed-in person's setting.
"""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

LOCALES: tuple[str, ...] = ("en", "fi")
DEFAULT = "en"


def supported(value: str | None) -> str | None:
    """``value`` as a supported locale code, or None (accepts ``fi-FI``, ``fi_FI``, ``FI``)."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The best supported language in an ``Accept-Language`` header, by quality."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = supported(tag)
        if code and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Marks ``message`` for the catalogues (``pybabel extract -k N_``) without translating
    it: a domain error's template (``core.errors.PorinaError.filled``)."""
    return message


@cache
def catalog(directory: str, domain: str, locale: str) -> NullTranslations:
    """The compiled catalog ``directory/<locale>/LC_MESSAGES/<domain>.mo`` (English, the
    source language, and a missing catalog translate nothing)."""
    found: NullTranslations = Translations.load(directory, [locale], domain=domain)
    return found
