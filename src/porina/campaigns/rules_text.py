"""A contest's rules page, written from its settings in English and Finnish (issue 18, point 1).

Pure: ``rules(settings, lang)`` returns the sections of ``/contests/:id/rules`` (organiser,
dates in the brand's time zone, eligibility, how to enter, how the draw works, privacy) as
plain text; the page escapes and lays them out. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from porina.campaigns.draw import ALGORITHM
from porina.campaigns.models import ACTIONS

LANGS = ("en", "fi")


@dataclass(frozen=True, slots=True)
class RulesSettings:
    brand_name: str
    brand_acct: str
    title: str
    prizes: str
    starts_at: datetime
    ends_at: datetime
    winners: int
    weights: Mapping[str, int]
    reply_must_contain: str | None
    min_account_age_days: int
    min_followers: int
    time_zone: str
    proof_url: str
    docs_url: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: str
    paragraphs: list[str]


ACTION_WORDS = {
    "en": {
        "favourite": "favourite the contest post",
        "reblog": "boost the contest post",
        "reply": "reply to the contest post",
        "quote": "quote the contest post",
        "follow": "follow {brand}",
        "newsletter": "subscribe to {brand}'s newsletter",
    },
    "fi": {
        "favourite": "tykkää kilpailujulkaisusta",
        "reblog": "jaa kilpailujulkaisu",
        "reply": "vastaa kilpailujulkaisuun",
        "quote": "lainaa kilpailujulkaisua",
        "follow": "seuraa tiliä {brand}",
        "newsletter": "tilaa tilin {brand} uutiskirje",
    },
}

TEXT = {
    "en": {
        "organiser": "Organiser",
        "organiser_p": "The contest “{title}” is organised by {brand} ({acct}).",
        "prizes": "Prizes",
        "prizes_p": "{winners} winner(s) are drawn. Prizes: {prizes}",
        "dates": "Dates",
        "dates_p": "Entries count from {start} until {end} ({zone}). At the end, entries freeze.",
        "eligibility": "Who can take part",
        "one_entry": "One entry per person: each person's actions are added up into one entry.",
        "min_age": "Your account must be at least {days} day(s) old when the contest ends.",
        "min_followers": "Your account must have at least {count} follower(s).",
        "excluded": "The organiser's own account, its staff and the server's operators "
        "cannot take part.",
        "review": "Entries may be reviewed for fraud (for example many new accounts at once); "
        "the organiser can disqualify an entrant and says why.",
        "enter": "How to enter",
        "enter_action": "{action}: {tickets} ticket(s)",
        "enter_reply": "A reply counts only if it contains “{text}”.",
        "enter_undo": "Undoing an action before the end removes its tickets. "
        "Your tickets are the sum of your actions' tickets; more tickets, a better chance.",
        "draw": "How the winners are drawn",
        "draw_commit": "When the contest was created, the server chose a secret and "
        "published its fingerprint (the commitment) before any entry counted.",
        "draw_freeze": "At the end the list of entrants and their tickets is frozen and "
        "published, with its hash.",
        "draw_reveal": "The winners follow from the secret and that list by the {algorithm} "
        "algorithm; the secret is then revealed, so anyone can recompute the draw. "
        "Proof: {proof} — how it works: {docs}.",
        "draw_redraw": "An unclaimed prize or a disqualified winner is re-drawn from the "
        "same sequence; every re-draw is published with its reason and time.",
        "privacy": "Privacy",
        "privacy_p": "The published list shows each entrant's account (user@domain) and "
        "tickets. Someone who took part only by a private action is listed under a pseudonym "
        "that only they are shown. E-mail addresses and review notes are never published.",
    },
    "fi": {
        "organiser": "Järjestäjä",
        "organiser_p": "Kilpailun ”{title}” järjestää {brand} ({acct}).",
        "prizes": "Palkinnot",
        "prizes_p": "Voittajia arvotaan {winners}. Palkinnot: {prizes}",
        "dates": "Ajankohta",
        "dates_p": "Osallistumiset lasketaan {start} alkaen {end} asti ({zone}). "
        "Lopussa osallistujat lukitaan.",
        "eligibility": "Kuka voi osallistua",
        "one_entry": "Yksi osallistuminen henkeä kohden: kunkin toimet lasketaan yhteen.",
        "min_age": "Tilin pitää olla vähintään {days} päivää vanha kilpailun päättyessä.",
        "min_followers": "Tilillä pitää olla vähintään {count} seuraajaa.",
        "excluded": "Järjestäjän oma tili, sen henkilökunta ja palvelimen ylläpitäjät eivät "
        "voi osallistua.",
        "review": "Osallistumiset voidaan tarkistaa väärinkäytösten varalta (esimerkiksi "
        "monta uutta tiliä kerralla); järjestäjä voi hylätä osallistujan ja kertoo syyn.",
        "enter": "Näin osallistut",
        "enter_action": "{action}: {tickets} arpa(a)",
        "enter_reply": "Vastaus lasketaan vain, jos siinä on ”{text}”.",
        "enter_undo": "Jos perut toimen ennen loppua, sen arvat poistuvat. Arpasi ovat "
        "toimiesi arpojen summa; mitä enemmän arpoja, sitä parempi mahdollisuus.",
        "draw": "Näin voittajat arvotaan",
        "draw_commit": "Kilpailua luotaessa palvelin valitsi salaisuuden ja julkaisi sen "
        "sormenjäljen (sitoumuksen) ennen kuin yksikään osallistuminen laskettiin.",
        "draw_freeze": "Lopussa osallistujien ja heidän arpojensa luettelo lukitaan ja "
        "julkaistaan tiivisteineen.",
        "draw_reveal": "Voittajat seuraavat salaisuudesta ja luettelosta {algorithm}-"
        "algoritmilla; sitten salaisuus paljastetaan, joten kuka tahansa voi laskea arvonnan "
        "uudelleen. Todiste: {proof} — miten se toimii: {docs}.",
        "draw_redraw": "Lunastamaton palkinto tai hylätty voittaja arvotaan uudelleen samasta "
        "jonosta; jokainen uusinta-arvonta julkaistaan syineen ja aikoineen.",
        "privacy": "Yksityisyys",
        "privacy_p": "Julkaistussa luettelossa näkyy kunkin osallistujan tili "
        "(käyttäjä@verkkotunnus) ja arvat. Vain yksityisellä toimella osallistunut näkyy "
        "salanimellä, jonka vain hän itse näkee. Sähköpostiosoitteita ja tarkistusmerkintöjä "
        "ei koskaan julkaista.",
    },
}


def zone_of(name: str) -> ZoneInfo:
    """The brand's time zone, UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    local = moment.astimezone(zone)
    if lang == "fi":
        return f"{local.day}.{local.month}.{local.year} klo {local:%H.%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def entry_actions(settings: RulesSettings, lang: str) -> list[str]:
    """One line per entry action that gives tickets, in ``ACTIONS`` order."""
    words, text = ACTION_WORDS[lang], TEXT[lang]
    lines = []
    for action in ACTIONS:
        tickets = int(settings.weights.get(action, 0))
        if tickets > 0:
            name = words[action].format(brand=settings.brand_acct)
            lines.append(text["enter_action"].format(action=name, tickets=tickets))
    return lines


def _eligibility(settings: RulesSettings, text: Mapping[str, str]) -> list[str]:
    lines = [text["one_entry"]]
    if settings.min_account_age_days > 0:
        lines.append(text["min_age"].format(days=settings.min_account_age_days))
    if settings.min_followers > 0:
        lines.append(text["min_followers"].format(count=settings.min_followers))
    return [*lines, text["excluded"], text["review"]]


def _entering(settings: RulesSettings, lang: str) -> list[str]:
    text = TEXT[lang]
    lines = entry_actions(settings, lang)
    if settings.reply_must_contain and settings.weights.get("reply", 0):
        lines.append(text["enter_reply"].format(text=settings.reply_must_contain))
    return [*lines, text["enter_undo"]]


def _draw(settings: RulesSettings, text: Mapping[str, str]) -> list[str]:
    reveal = text["draw_reveal"].format(
        algorithm=ALGORITHM, proof=settings.proof_url, docs=settings.docs_url
    )
    return [text["draw_commit"], text["draw_freeze"], reveal, text["draw_redraw"]]


def rules(settings: RulesSettings, lang: str) -> list[Section]:
    """The rules page's sections in ``lang`` ("en" or "fi"; anything else reads English)."""
    lang = lang if lang in LANGS else "en"
    text, zone = TEXT[lang], zone_of(settings.time_zone)
    organiser = text["organiser_p"].format(
        title=settings.title, brand=settings.brand_name, acct=settings.brand_acct
    )
    prizes = text["prizes_p"].format(winners=settings.winners, prizes=settings.prizes)
    dates = text["dates_p"].format(
        start=when(settings.starts_at, zone, lang),
        end=when(settings.ends_at, zone, lang),
        zone=zone.key,
    )
    return [
        Section("organiser", text["organiser"], [organiser]),
        Section("prizes", text["prizes"], [prizes]),
        Section("dates", text["dates"], [dates]),
        Section("eligibility", text["eligibility"], _eligibility(settings, text)),
        Section("enter", text["enter"], _entering(settings, lang)),
        Section("draw", text["draw"], _draw(settings, text)),
        Section("privacy", text["privacy"], [text["privacy_p"]]),
    ]
