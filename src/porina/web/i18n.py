"""Languages of the web app: gettext catalogs (Babel), the reader's locale, localized formats.
The supported languages and ``Accept-Language`` reading are ``core/i18n.py``'s, shared with
the API.

The locale is chosen once per request (``choose``): the signed-in person's setting
(``users.locale``), else the ``lang`` cookie set by the EN/FI switch, else the browser's
``Accept-Language``, else English. It is kept in a context variable for the rest of the
request, so templates (``{{ _("...") }}``, ``{% trans %}``), Python code (``_()``) and the
format filters all speak the same language without passing it around.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment

from porina.core import i18n as shared
from porina.core.clock import aware, now

LOCALES = shared.LOCALES
DEFAULT = shared.DEFAULT
supported = shared.supported
from_accept_language = shared.from_accept_language
COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
NAMES = {"en": "English", "fi": "suomi"}

_current: ContextVar[str] = ContextVar("porina_web_locale", default=DEFAULT)


@cache
def translations(locale: str) -> NullTranslations:
    found = Translations.load(str(LOCALE_DIR), [locale], domain="messages")
    return found


def choose(user_locale: str | None, cookie: str | None, accept_language: str | None) -> str:
    return (
        supported(user_locale)
        or supported(cookie)
        or from_accept_language(accept_language)
        or DEFAULT
    )


def activate(locale: str) -> None:
    _current.set(supported(locale) or DEFAULT)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).upgettext(context, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def _locale() -> Locale:
    return _parsed(current())


@cache
def _parsed(code: str) -> Locale:
    """``Locale.parse`` reads the locale's data file each time (about 40 us): once per code."""
    try:
        return Locale.parse(code)
    except UnknownLocaleError:
        return Locale.parse(DEFAULT)


Moment = datetime | str | None


def moment(value: Moment) -> datetime | None:
    """A datetime from a datetime or an ISO 8601 string (as entities carry them)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return aware(value)


def fmt_datetime(value: Moment, form: str = "medium") -> str:
    found = moment(value)
    return "" if found is None else _datetime(found, form, current())


@lru_cache(maxsize=8192)
def _datetime(value: datetime, form: str, code: str) -> str:
    """A moment's text does not change: each post's title once per language (Babel's
    formatting costs about 100 us)."""
    return format_datetime(value, form, locale=_parsed(code))


def fmt_date(value: Moment, form: str = "medium") -> str:
    found = moment(value)
    return "" if found is None else format_date(found, form, locale=_locale())


def _small(value: object) -> bool:
    """A whole number written the same in every language (no grouping, no minus sign)."""
    return type(value) is int and 0 <= value < 1000


def fmt_number(value: int | float | None) -> str:
    if _small(value):
        return str(value)
    return format_decimal(value or 0, locale=_locale())


def fmt_compact(value: int | None) -> str:
    """``1234`` -> ``1.2K`` (``1,2 t.`` in Finnish); small numbers as they are."""
    if _small(value):
        return str(value)
    number = value or 0
    if abs(number) < 10_000:
        return format_decimal(number, locale=_locale())
    return format_compact_decimal(number, locale=_locale(), fraction_digits=1)


def fmt_ago(value: Moment) -> str:
    """How long ago, in words (``5 minutes ago``, ``5 minuuttia sitten``)."""
    found = moment(value)
    if found is None:
        return ""
    delta: timedelta = found - now()
    return format_timedelta(delta, threshold=1, add_direction=True, locale=_locale())


def fmt_ago_short(value: Moment) -> str:
    """A post header's time: ``5s``, ``3m``, ``2h``, ``4d`` (``3min``, ``2t``, ``4pv`` in
    Finnish) within a week, then the date (``Dec 4``; with the year when it is not this
    year's), as Mastodon's web app shows it."""
    found = moment(value)
    if found is None:
        return ""
    current = now()
    delta = current - found
    if delta < timedelta(days=7):
        seconds = max(delta, timedelta(seconds=1))
        return format_timedelta(seconds, threshold=1, format="narrow", locale=_locale())
    pattern = "MMMd" if found.year == current.year else "yMMMd"
    return format_skeleton(pattern, found, locale=_locale())


def fmt_duration(seconds: int | str) -> str:
    """``3600`` -> ``1 hour`` (``1 tunti``)."""
    value = int(seconds) if str(seconds).isdigit() else 0
    return format_timedelta(timedelta(seconds=value), threshold=1, locale=_locale())


def language_name(code: str | None) -> str:
    """A language's name in the reader's language (``fi`` -> ``Finnish`` / ``suomi``)."""
    if not code:
        return ""
    name: str = _locale().languages.get(code, code)
    return name


FILTERS: dict[str, Callable[..., str]] = {
    "duration": fmt_duration,
    "language_name": language_name,
    "datetime": fmt_datetime,
    "date": fmt_date,
    "number": fmt_number,
    "compact": fmt_compact,
    "ago": fmt_ago,
    "ago_short": fmt_ago_short,
    "iso": lambda value: found.isoformat() if (found := moment(value)) else "",
}


def install(env: Environment) -> None:
    """Give a Jinja environment the i18n extension, gettext and the format filters."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext
    )
    env.filters.update(FILTERS)
    env.globals["current_locale"] = current
    env.globals["LOCALES"] = LOCALES
    env.globals["LOCALE_NAMES"] = NAMES
    env.policies["ext.i18n.trimmed"] = True
