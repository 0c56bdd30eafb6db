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
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import (
    TIMEDELTA_UNITS,
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
)
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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


Standard = Literal["full", "long", "medium", "short"]
STANDARD: dict[str, Standard] = {
    "full": "full",
    "long": "long",
    "medium": "medium",
    "short": "short",
}


def fmt_datetime(value: Moment, form: str = "medium") -> str:
    found = moment(value)
    if found is None:
        return ""
    code = current()
    standard = STANDARD.get(form)
    if standard is not None and found.tzinfo is UTC:
        # Babel's own composition of a standard form: its pattern with the time ({0}) and
        # the date ({1}), each kept (a first-seen post's title cost about 100 us).
        return (
            _datetime_pattern(standard, code)
            .replace("{0}", _time(found.hour, found.minute, found.second, standard, code))
            .replace("{1}", _date(found.date(), standard, code))
        )
    return _datetime(found, form, code)


@cache
def _datetime_pattern(form: Standard, code: str) -> str:
    return str(get_datetime_format(form, locale=_parsed(code))).replace("'", "")


@lru_cache(maxsize=16384)
def _time(hour: int, minute: int, second: int, form: Standard, code: str) -> str:
    """A time of day's text in UTC (the standard forms show whole seconds): the same on
    every day."""
    at = datetime(2000, 1, 1, hour, minute, second, tzinfo=UTC)
    return format_time(at, form, locale=_parsed(code))


@lru_cache(maxsize=8192)
def _datetime(value: datetime, form: str, code: str) -> str:
    """A moment's text does not change: each post's title once per language (Babel's
    formatting costs about 100 us)."""
    return format_datetime(value, form, locale=_parsed(code))


def fmt_date(value: Moment, form: str = "medium") -> str:
    found = moment(value)
    return "" if found is None else _date(found.date(), form, current())


@lru_cache(maxsize=4096)
def _date(value: date, form: str, code: str) -> str:
    """A day's text in a language does not change (Babel's formatting: about 50 us)."""
    return format_date(value, form, locale=_parsed(code))


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
    return _timedelta(found - now(), "long", True)


def fmt_ago_short(value: Moment) -> str:
    """A post header's time: ``5s``, ``3m``, ``2h``, ``4d`` (``3min``, ``2t``, ``4pv`` in
    Finnish) within a week, then the date (``Dec 4``; with the year when it is not this
    year's), as Mastodon's web app shows it."""
    found = moment(value)
    if found is None:
        return ""
    at = now()
    delta = at - found
    if delta < timedelta(days=7):
        return _timedelta(max(delta, timedelta(seconds=1)), "narrow", False)
    pattern = "MMMd" if found.year == at.year else "yMMMd"
    return _skeleton(pattern, found.date(), current())


@lru_cache(maxsize=4096)
def _skeleton(pattern: str, day: date, code: str) -> str:
    return format_skeleton(pattern, day, locale=_parsed(code))


Form = Literal["narrow", "short", "medium", "long"]


def _timedelta(delta: timedelta, form: Form, direction: bool) -> str:
    """``format_timedelta(delta, threshold=1, ...)`` in this request's language, kept by
    what its text depends on: the unit and rounded value Babel picks (its own loop, below),
    the direction and the form (Babel's formatting costs about 25 us; a page has 40)."""
    seconds = int((delta.days * 86400) + delta.seconds)
    for unit, per in TIMEDELTA_UNITS:
        value = abs(seconds) / per
        if value >= 1 or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            key = (unit, round(value), direction and seconds >= 0, form, direction)
            code = current()
            found = _AGES.get((code, key))
            if found is None:
                found = format_timedelta(
                    delta, threshold=1, format=form, add_direction=direction, locale=_parsed(code)
                )
                if len(_AGES) < 4096:
                    _AGES[(code, key)] = found
            return found
    return ""


_AGES: dict[tuple[str, tuple[str, int, bool, str, bool]], str] = {}
"""``_timedelta``'s texts: a few hundred (units x values x forms x languages)."""


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


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, message: str, /, **variables: Any) -> str:
    """``_()`` and ``{% trans %}`` in a template: what the i18n extension's new-style
    ``gettext`` gives (Markup when autoescaping, always ``%`` the variables), in one call
    instead of three through the template's context (a page has about 140)."""
    found = translations(current()).ugettext(message)
    shown = Markup(found) if eval_ctx.autoescape else found
    return shown % variables


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("num", num)
    found = translations(current()).ungettext(singular, plural, num)
    shown = Markup(found) if eval_ctx.autoescape else found
    return shown % variables


@pass_eval_context
def _template_pgettext(
    eval_ctx: EvalContext, context: str, message: str, /, **variables: Any
) -> str:
    variables.setdefault("context", context)
    found = translations(current()).upgettext(context, message)
    shown = Markup(found) if eval_ctx.autoescape else found
    return shown % variables


def install(env: Environment) -> None:
    """Give a Jinja environment the i18n extension, gettext and the format filters."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, newstyle=True, pgettext=pgettext
    )
    env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
    )
    env.filters.update(FILTERS)
    env.globals["current_locale"] = current
    env.globals["LOCALES"] = LOCALES
    env.globals["LOCALE_NAMES"] = NAMES
    env.policies["ext.i18n.trimmed"] = True
