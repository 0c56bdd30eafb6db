"""The words a subscriber agrees to (stored verbatim in ``newsletter_consents``), in English
and Finnish, and the subscriber's self-service links."""

from __future__ import annotations

from porina.newsletter.models import NewsletterList, NewsletterSubscriber

CONSENT = {
    "en": (
        "I want to receive “{name}” by e-mail{often}. I can unsubscribe at any time from the "
        "link in every mail. My address and name are handled as the privacy statement says."
    ),
    "fi": (
        "Haluan tilata uutiskirjeen ”{name}” sähköpostiini{often}. Voin perua tilauksen milloin "
        "tahansa jokaisen viestin linkistä. Osoitettani ja nimeäni käsitellään "
        "tietosuojaselosteen mukaisesti."
    ),
}


def lang_of(value: str | None) -> str:
    return "fi" if (value or "").lower().startswith("fi") else "en"


def consent_text(row: NewsletterList, lang: str) -> str:
    often = f" ({row.frequency})" if row.frequency else ""
    return CONSENT[lang_of(lang)].format(name=row.name, often=often)


def privacy_text(row: NewsletterList, lang: str) -> str:
    """The list's privacy statement in ``lang``, or the other language's when only one is set."""
    if lang_of(lang) == "fi":
        return row.privacy_fi or row.privacy_en
    return row.privacy_en or row.privacy_fi


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def confirm_url(base_url: str, subscriber: NewsletterSubscriber) -> str:
    return f"{_base(base_url)}/newsletter/confirm/{subscriber.token}"


def preferences_url(base_url: str, subscriber: NewsletterSubscriber) -> str:
    return f"{_base(base_url)}/newsletter/preferences/{subscriber.token}"


def unsubscribe_url(base_url: str, subscriber: NewsletterSubscriber) -> str:
    """The https address of RFC 8058's one-click unsubscribe (POST ``List-Unsubscribe=One-Click``)
    and of its page (GET)."""
    return f"{_base(base_url)}/newsletter/unsubscribe/{subscriber.token}"


def unsubscribe_mailto(mailbox: str, subscriber: NewsletterSubscriber) -> str:
    """The ``mailto:`` form for ``List-Unsubscribe``: to ``mailbox``
    (``verp.unsubscribe_address``, which the bounce receiver reads), the token in the
    subject."""
    return f"mailto:{mailbox}?subject=unsubscribe%20{subscriber.token}"


def list_unsubscribe_headers(
    base_url: str, mailbox: str, subscriber: NewsletterSubscriber
) -> dict[str, str]:
    """The headers every newsletter mail carries; ``mailbox``: the ``mailto:``'s address."""
    https = unsubscribe_url(base_url, subscriber)
    mailto = unsubscribe_mailto(mailbox, subscriber)
    return {
        "List-Unsubscribe": f"<{https}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<{subscriber.list_id}.newsletter.{_domain(base_url)}>",
    }


def _domain(base_url: str) -> str:
    return _base(base_url).split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
