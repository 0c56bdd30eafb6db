"""The metric dictionary (issue 17, point 1): every figure Porina reports, with its formula,
its denominator, which interactions count and how a period aggregates, in English and
Finnish. Served by ``GET /api/porina/v1/analytics/metrics``; docs/metrics.md is checked
against it by tests/analytics/test_dictionary.py.

Periods are whole days (UTC days; a person's own account's in their time zone, docs/metrics.md
"Time zones"). Every rate over a period is a ratio of the period's sums (the
sum of engagements over the sum of impressions), never the mean of daily ratios.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label_en: str
    label_fi: str
    formula: str
    denominator: str | None
    description_en: str
    description_fi: str

    def label(self, locale: str) -> str:
        return self.label_fi if locale == "fi" else self.label_en

    def description(self, locale: str) -> str:
        return self.description_fi if locale == "fi" else self.description_en


_ENGAGED = (
    "favourites + reblogs + replies + quotes by accounts other than the author, given in the "
    "period (an undone favourite or boost still counted when it was given; bookmarks apart)"
)
_ENGAGED_FI = (
    "muiden kuin kirjoittajan jakson aikana antamat suosikit + tehostukset + vastaukset + "
    "lainaukset (peruttu suosikki tai tehostus lasketaan silti; kirjanmerkit erikseen)"
)

METRICS: tuple[Metric, ...] = (
    Metric(
        "impressions",
        "Impressions",
        "Näyttökerrat",
        "count of times a local status of the account was served to a reader",
        None,
        "Each time one of the account's statuses was served in a page of statuses (a "
        "timeline, a thread, a profile, search results, trends, an embed; API and web), to "
        "anyone but its author, signed in or not. Counted in memory and written every few "
        "seconds: an estimate, which may lose the last seconds if a server process crashes. "
        "Period: the sum.",
        "Kerrat, jolloin jokin tilin julkaisuista näytettiin julkaisulistassa (aikajana, "
        "ketju, profiili, hakutulokset, trendit, upotus; API ja verkko) kenelle tahansa "
        "paitsi kirjoittajalle, kirjautuneelle tai ei. Lasketaan muistissa ja kirjoitetaan "
        "muutaman sekunnin välein: arvio, josta voi kadota viimeiset sekunnit, jos "
        "palvelinprosessi kaatuu. Jakso: summa.",
    ),
    Metric(
        "reach",
        "Reach",
        "Tavoittavuus",
        "count of distinct signed-in accounts served any of the account's statuses",
        None,
        "Distinct signed-in accounts (not the author) served at least one of the account's "
        "statuses in the period; anonymous readers count as impressions only. Period: "
        "distinct over the whole period, not a sum of days.",
        "Eri kirjautuneet tilit (ei kirjoittaja), joille näytettiin jakson aikana vähintään "
        "yksi tilin julkaisu; kirjautumattomat lasketaan vain näyttökertoihin. Jakso: eri "
        "tilit koko jaksolla, ei päivien summa.",
    ),
    Metric(
        "engagements",
        "Engagements",
        "Sitoutumiset",
        "favourites + reblogs + replies + quotes",
        None,
        f"Interactions with the account's statuses: {_ENGAGED}. A reply by the author to "
        "their own status is not an engagement. Period: the sum.",
        f"Vuorovaikutus tilin julkaisujen kanssa: {_ENGAGED_FI}. Kirjoittajan vastaus omaan "
        "julkaisuunsa ei ole sitoutuminen. Jakso: summa.",
    ),
    Metric(
        "bookmarks",
        "Bookmarks",
        "Kirjanmerkit",
        "count of bookmarks of the account's statuses by others",
        None,
        "Bookmarks others made of the account's statuses in the period; private to the "
        "bookmarker, so reported apart from engagements. Period: the sum.",
        "Muiden jakson aikana tilin julkaisuihin tekemät kirjanmerkit; ne ovat tekijänsä "
        "yksityisiä, joten ne raportoidaan sitoutumisista erikseen. Jakso: summa.",
    ),
    Metric(
        "engagement_rate_by_impressions",
        "Engagement rate by impressions",
        "Sitoutumisaste näyttökerroista",
        "engagements / impressions",
        "impressions",
        "Engagements of the period divided by impressions of the period (ratio of sums); "
        "null when there were no impressions.",
        "Jakson sitoutumiset jaettuna jakson näyttökerroilla (summien suhde); tyhjä, jos "
        "näyttökertoja ei ollut.",
    ),
    Metric(
        "engagement_rate_by_reach",
        "Engagement rate by reach",
        "Sitoutumisaste tavoittavuudesta",
        "engagements / reach",
        "reach",
        "Engagements of the period divided by the period's reach; null when reach is 0.",
        "Jakson sitoutumiset jaettuna jakson tavoittavuudella; tyhjä, jos tavoittavuus on 0.",
    ),
    Metric(
        "engagement_rate_by_followers",
        "Engagement rate by followers",
        "Sitoutumisaste seuraajista",
        "engagements / followers at the end of the period",
        "followers.end",
        "Engagements of the period divided by the number of followers at the period's end; "
        "null when there were none.",
        "Jakson sitoutumiset jaettuna seuraajien määrällä jakson lopussa; tyhjä, jos "
        "seuraajia ei ollut.",
    ),
    Metric(
        "followers_gained",
        "Followers gained",
        "Uudet seuraajat",
        "count of follows of the account (and follow requests it accepted)",
        None,
        "New followers in the period: follows, and follow requests the account accepted. "
        "Period: the sum.",
        "Jakson uudet seuraajat: seuraamiset ja tilin hyväksymät seurantapyynnöt. Jakso: summa.",
    ),
    Metric(
        "followers_lost",
        "Followers lost",
        "Menetetyt seuraajat",
        "count of unfollows of the account (and followers it removed)",
        None,
        "Followers who stopped following in the period, or whom the account removed; a follow "
        "ended by a block is not counted here. Period: the sum.",
        "Jaksolla seuraamisen lopettaneet tai tilin poistamat seuraajat; eston päättämää "
        "seuraamista ei lasketa tähän. Jakso: summa.",
    ),
    Metric(
        "followers_net",
        "Net follower growth",
        "Seuraajien nettokasvu",
        "followers_gained - followers_lost",
        None,
        "Followers gained minus followers lost; equals followers.end - followers.start.",
        "Uudet seuraajat miinus menetetyt; sama kuin followers.end - followers.start.",
    ),
    Metric(
        "posts",
        "Posts",
        "Julkaisut",
        "count of statuses, replies and quotes the account published",
        None,
        "Public, unlisted and followers-only statuses (replies and quotes included; direct "
        "messages and boosts not) published in the period, including ones deleted since. "
        "Period: the sum.",
        "Jaksolla julkaistut julkiset, listaamattomat ja vain seuraajille näkyvät julkaisut "
        "(vastaukset ja lainaukset mukana; yksityisviestit ja tehostukset eivät), myös "
        "sittemmin poistetut. Jakso: summa.",
    ),
    Metric(
        "profile_visits",
        "Profile visits",
        "Profiilikäynnit",
        "count of times the account's profile was opened by anyone but the account",
        None,
        "A visit is a request for the first page of the account's profile: on the web, a "
        "profile page (posts, posts and replies, or media; a later page is not a new visit); "
        "in an app, the first page of GET /api/v1/accounts/:id/statuses without pinned, which "
        "apps ask for when a profile is opened (a look-up or GET /api/v1/accounts/:id alone is "
        "not a visit: apps call them for hover cards and mentions too). Anyone signed in or "
        "not counts, except the account itself (a brand's staff acting as the brand). No "
        "visitor is stored: only the number per hour, written every few seconds like "
        "impressions. Period: the sum.",
        "Käynti on tilin profiilin ensimmäisen sivun pyyntö: verkossa profiilisivu "
        "(julkaisut, julkaisut ja vastaukset tai media; seuraava sivu ei ole uusi käynti); "
        "sovelluksessa GET /api/v1/accounts/:id/statuses -pyynnön ensimmäinen sivu ilman "
        "pinned-valintaa, jota sovellukset pyytävät profiilia avattaessa (pelkkä haku tai GET "
        "/api/v1/accounts/:id ei ole käynti: sovellukset kutsuvat niitä myös "
        "esikatselukorteille ja maininnoille). Kuka tahansa kirjautunut tai ei lasketaan, "
        "paitsi tili itse (brändin henkilöstö brändinä toimiessaan). Kävijöitä ei tallenneta: "
        "vain määrä tunneittain, kirjoitettuna muutaman sekunnin välein kuten näyttökerrat. "
        "Jakso: summa.",
    ),
)

NOT_COUNTED = {
    "link_visits": (
        "Link visits are not counted: Porina links straight to the address written, and "
        "counting visits would need a redirect or a tracker, which Porina does not use."
    ),
}
"""Figures asked for and left out, with why (docs/metrics.md says the same)."""


def by_name(name: str) -> Metric:
    return next(m for m in METRICS if m.name == name)
