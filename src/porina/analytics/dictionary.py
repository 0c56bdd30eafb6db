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

_TIMES = (
    "Median and 90th percentile (nearest rank) in seconds, in calendar time and in the "
    "brand's business hours (its weekdays, hours, time zone and holidays), over the measures "
    "that ended in the period: a period's figure is taken over all its measures, never a "
    "mean of daily medians. Only a staff member's reply or resolution counts; what the "
    "desk's rules or other automations do stops no clock."
)
_TIMES_FI = (
    "Mediaani ja 90. persentiili (lähin sijoitus) sekunteina, kalenteriajassa ja brändin "
    "aukioloajassa (sen arkipäivät, tunnit, aikavyöhyke ja pyhäpäivät), jaksolla "
    "päättyneistä mittauksista: jakson luku lasketaan kaikista sen mittauksista, ei koskaan "
    "päivittäisten mediaanien keskiarvona. Vain henkilöstön vastaus tai ratkaisu lasketaan; "
    "työpöydän sääntöjen tai muun automaation toimet eivät pysäytä kelloa."
)

_CAMPAIGNS = (
    "Counted with the campaign: the campaigns that started sending in the period bring "
    "everything that came of them so far, later days included. Period: the sum."
)
_CAMPAIGNS_FI = (
    "Lasketaan kampanjan mukaan: jaksolla lähettämisen aloittaneet kampanjat tuovat kaiken, "
    "mitä niistä on tähän mennessä seurannut, myöhemmätkin päivät. Jakso: summa."
)

BUSINESS: tuple[Metric, ...] = (
    Metric(
        "desk_first_response_time",
        "First response time",
        "Ensimmäisen vastauksen aika",
        "team's first reply - the message that opened (or reopened) the conversation",
        None,
        "How long people waited for the team's first answer in the desk. " + _TIMES,
        "Kuinka kauan ihmiset odottivat tiimin ensimmäistä vastausta työpöydällä. " + _TIMES_FI,
    ),
    Metric(
        "desk_reply_time",
        "Reply time",
        "Vastausaika",
        "each team reply - the person's oldest message still waiting for an answer",
        None,
        "How long each of a person's messages waited for the team's next reply (the first "
        "reply gives both a first response and a reply time). " + _TIMES,
        "Kuinka kauan kukin henkilön viesti odotti tiimin seuraavaa vastausta (ensimmäinen "
        "vastaus antaa sekä ensimmäisen vastauksen ajan että vastausajan). " + _TIMES_FI,
    ),
    Metric(
        "desk_resolution_time",
        "Resolution time",
        "Ratkaisuaika",
        "resolved by staff - the message that opened (or reopened) the conversation",
        None,
        "How long conversations took from opening to being resolved by a staff member "
        "(a rule's automatic resolve is not counted). " + _TIMES,
        "Kuinka kauan keskustelut kestivät avautumisesta siihen, kun henkilöstön jäsen "
        "merkitsi ne ratkaistuiksi (säännön automaattista ratkaisua ei lasketa). " + _TIMES_FI,
    ),
    Metric(
        "desk_conversations_opened",
        "Conversations opened",
        "Avatut keskustelut",
        "count of desk conversations opened or reopened",
        None,
        "Desk conversations a person opened in the period with a message (a mention, reply, "
        "comment, direct message or quote), and resolved ones a new message reopened. Light "
        "items (likes, boosts, follows) open none. Period: the sum.",
        "Työpöydän keskustelut, jotka henkilö avasi jaksolla viestillä (maininta, vastaus, "
        "kommentti, yksityisviesti tai lainaus), ja ratkaistut, jotka uusi viesti avasi "
        "uudelleen. Kevyet tapahtumat (tykkäykset, tehostukset, seuraamiset) eivät avaa "
        "keskustelua. Jakso: summa.",
    ),
    Metric(
        "desk_conversations_resolved",
        "Conversations resolved",
        "Ratkaistut keskustelut",
        "count of desk conversations resolved by a staff member",
        None,
        "Conversations a staff member resolved in the period (one reopened and resolved "
        "again counts each time; a rule's automatic resolve does not). Period: the sum.",
        "Keskustelut, jotka henkilöstön jäsen ratkaisi jaksolla (uudelleen avattu ja taas "
        "ratkaistu lasketaan joka kerta; säännön automaattinen ratkaisu ei). Jakso: summa.",
    ),
    Metric(
        "contest_entries",
        "Contest entries",
        "Kilpailuosallistumiset",
        "count of entries in the account's contests",
        None,
        "Entries made in the period in the account's contests and giveaways: one per person "
        "and way of entering the contest counts (a reply, a favourite, a boost, following, "
        "a newsletter sign-up), so one person may make several. An entry undone before the "
        "contest closed (an unfavourite, an unfollow) is not counted. Period: the sum.",
        "Jaksolla tehdyt osallistumiset tilin kilpailuihin ja arvontoihin: yksi henkilöä ja "
        "kilpailun osallistumistapaa kohden (vastaus, suosikki, tehostus, seuraaminen, "
        "uutiskirjeen tilaus), joten yksi henkilö voi osallistua useasti. Ennen kilpailun "
        "päättymistä peruttua osallistumista (suosikin tai seuraamisen peruminen) ei "
        "lasketa. Jakso: summa.",
    ),
    Metric(
        "contest_entrants",
        "Contest entrants",
        "Kilpailuun osallistuneet",
        "count of distinct accounts with an entry in the account's contests",
        None,
        "Distinct people who entered any of the account's contests in the period. Period: "
        "distinct over the whole period, not a sum of days.",
        "Eri henkilöt, jotka osallistuivat johonkin tilin kilpailuun jaksolla. Jakso: eri "
        "henkilöt koko jaksolla, ei päivien summa.",
    ),
    Metric(
        "newsletter_confirmed",
        "Newsletter sign-ups",
        "Uutiskirjeen tilaukset",
        "count of subscriptions confirmed on the account's lists",
        None,
        "Subscriptions to the account's newsletter lists confirmed in the period (on a "
        "double opt-in list, when the person pressed the confirm button; on a single opt-in "
        "list, at sign-up). An address on two lists counts twice, and one who left and "
        "confirmed again counts each time; an address its owner erased is no longer "
        "counted. Period: the sum.",
        "Jaksolla vahvistetut tilaukset tilin uutiskirjelistoille (kaksoisvahvistusta "
        "käyttävällä listalla, kun henkilö painoi vahvistuspainiketta; muilla listoilla "
        "tilattaessa). Kahdella listalla oleva osoite lasketaan kahdesti, ja lähtenyt ja "
        "uudelleen vahvistanut joka kerta; omistajansa poistamaa osoitetta ei enää "
        "lasketa. Jakso: summa.",
    ),
    Metric(
        "newsletter_unsubscribed",
        "Newsletter unsubscribes",
        "Uutiskirjeen peruutukset",
        "count of subscriptions ended by the subscriber on the account's lists",
        None,
        "Subscriptions to the account's lists that their subscriber ended in the period "
        "(the unsubscribe page, a mail program's one-click unsubscribe, or the preferences "
        "page); blocklisting after bounces is not an unsubscribe, and one who signed up "
        "again is no longer counted as having left. Period: the sum.",
        "Tilaukset tilin listoille, jotka tilaaja päätti jaksolla (peruutussivu, "
        "sähköpostiohjelman yhden napsautuksen peruutus tai asetussivu); palautuneiden "
        "viestien vuoksi estolistalle joutuminen ei ole peruutus, eikä uudelleen tilannutta "
        "enää lasketa lähteneeksi. Jakso: summa.",
    ),
    Metric(
        "newsletter_sent",
        "Newsletter mails sent",
        "Lähetetyt uutiskirjeet",
        "mails of the account's campaigns handed to the mail server",
        None,
        "Mails of the account's newsletter campaigns handed to the mail server (one per "
        "recipient address; a mail sent twice after a crash counts twice). " + _CAMPAIGNS,
        "Tilin uutiskirjekampanjoiden viestit, jotka luovutettiin postipalvelimelle (yksi "
        "vastaanottajaosoitetta kohden; kaatumisen jälkeen kahdesti lähetetty lasketaan "
        "kahdesti). " + _CAMPAIGNS_FI,
    ),
    Metric(
        "newsletter_bounced",
        "Newsletter bounces",
        "Palautuneet uutiskirjeet",
        "recipients of the account's campaigns whose mail bounced (hard or soft)",
        None,
        "Recipients of the account's campaigns whose mail came back: a hard bounce (the "
        "address does not exist) or a soft one (a full mailbox), from the bounce receiver or a "
        "mail provider's webhook; each recipient once per campaign. Complaints are not "
        "bounces. " + _CAMPAIGNS,
        "Tilin kampanjoiden vastaanottajat, joiden viesti palautui: pysyvästi (osoitetta ei "
        "ole) tai tilapäisesti (postilaatikko täynnä), palautusvastaanottimelta tai "
        "postipalvelun webhookista; kukin vastaanottaja kerran kampanjaa kohden. "
        "Roskapostivalitukset eivät ole palautuksia. " + _CAMPAIGNS_FI,
    ),
    Metric(
        "newsletter_clicks",
        "Newsletter clicks",
        "Uutiskirjeen klikkaukset",
        "clicks on the links of the account's campaigns",
        None,
        "Clicks on the links of the account's campaigns to lists that count clicks (off "
        "unless the brand turns it on). Only a number per campaign and link is kept, nothing "
        "about who clicked, so one person clicking twice counts twice, and a mail scanner "
        "that opens links counts too. " + _CAMPAIGNS,
        "Klikkaukset tilin kampanjoiden linkkeihin listoilla, joilla klikkausten laskenta on "
        "päällä (oletuksena pois). Vain määrä kampanjaa ja linkkiä kohden tallennetaan, ei "
        "mitään klikkaajasta, joten kahdesti klikannut lasketaan kahdesti, ja linkkejä "
        "avaava postin tarkistin lasketaan myös. " + _CAMPAIGNS_FI,
    ),
)
"""Figures of the business features (the desk, contests, the newsletter), computed by their
own packages and shown beside the social figures (``render/business_figures.py``)."""


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
    *BUSINESS,
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
