"""The demo world ``make run`` seeds: Kahvila Porina, a café, and the people around it.

Everything is made through the same actions the API uses (sign-up, follow, post, favourite,
reblog, vote, media upload), so the demo shows what the product really does. The world is the
same on every run (a fixed random seed). Argon2 is slow on purpose, so the one demo password is
hashed once and that hash is given to every demo account.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from porina.accounts import graph, passwords
from porina.accounts.actions import NewAccount, create_account
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.errors import Conflict
from porina.interactions import actions as interactions
from porina.posts import media_actions, polls
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Poll
from porina.posts.polls import PollSpec
from porina.services import Services
from porina.storage.db import Tx

DEMO_PASSWORD = "porina-demo"
EMAIL_DOMAIN = "porina.example"
CAFE = "kahvila"
ADMIN = "admin"
RANDOM_SEED = 2024


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str
    lang: str
    bio: str = ""


PEOPLE: list[Person] = [
    Person("aino", "Aino Virtanen", "fi", "Kaupunkipyöräilijä ja kardemummapullien ystävä."),
    Person("emma", "Emma Clarke", "en", "Designer in Helsinki. Oat flat white, always."),
    Person("eero", "Eero Korhonen", "fi", "Ohjelmoija. Espresso ennen kymmentä, ei sen jälkeen."),
    Person("oliver", "Oliver Bennett", "en", "Photographer. I chase light and cinnamon buns."),
    Person("helmi", "Helmi Mäkinen", "fi", "Opiskelija, lautapelit, Kallio."),
    Person(
        "sophie", "Sophie Turner", "en", "Moved from Leeds to Helsinki. Learning Finnish slowly."
    ),
    Person("juho", "Juho Nieminen", "fi", "Isä, kokki, juoksija."),
    Person("grace", "Grace Patel", "en", "Nurse on night shifts; coffee is a food group."),
    Person("kaisa", "Kaisa Heikkinen", "fi", "Kirjastonhoitaja. Suosittelen kirjoja pyytämättä."),
    Person("jack", "Jack Morgan", "en", "Remote worker. This café is my office on Fridays."),
    Person("lauri", "Lauri Koskinen", "fi", "Muusikko. Soitan joskus kahvilan open micissä."),
    Person("chloe", "Chloe Evans", "en", "Baker at heart, accountant on paper."),
    Person("minna", "Minna Järvinen", "fi", "Kahvilan kanta-asiakas vuodesta 2019."),
    Person("liam", "Liam O'Connor", "en", "Cyclist, climber, bad at latte art."),
    Person("otto", "Otto Lehtonen", "fi", "Valokuvaaja ja koiranulkoiluttaja."),
    Person("mia", "Mia Robinson", "en", "Exchange student. Sauna convert."),
    Person("pihla", "Pihla Laine", "fi", "Kasvisruokaa ja kaurajuomaa."),
    Person("noah", "Noah Fischer", "en", "Product manager. Polls are my love language."),
    Person("sami", "Sami Hämäläinen", "fi", "Taksikuski. Tiedän kaupungin parhaat kahvit."),
    Person("zoe", "Zoe Campbell", "en", "Illustrator. Sketching people in cafés."),
    Person("tuuli", "Tuuli Salminen", "fi", "Joogaopettaja, teen juoja (anteeksi)."),
    Person("harry", "Harry Walsh", "en", "Retired teacher. Crosswords and cortados."),
    Person("ville", "Ville Rantanen", "fi", "Kaupunkisuunnittelija. Helsinki on paras."),
    Person("ruby", "Ruby Hughes", "en", "Writing a novel, one flat white at a time."),
    Person("venla", "Venla Lindholm", "fi", "Lukiolainen, vegaani, kissaihminen."),
    Person("daniel", "Daniel Kim", "en", "Barista trainer. Ask me about extraction."),
    Person("onni", "Onni Karjalainen", "fi", "Eläkeläinen, aamukahvi klo 6."),
    Person("ethan", "Ethan Brooks", "en", "Startup founder. Meetings at the corner table."),
    Person("iida", "Iida Savolainen", "fi", "Graafikko ja kasvien hoitaja."),
    Person("mikko", "Mikko Ahonen", "fi", "Jääkiekkoa ja tummapaahtoa."),
]

CAFE_POSTS: list[tuple[str, str]] = [
    ("fi", "Hyvää huomenta! Ovet auki klo 7, ja uunista tulee juuri korvapuusteja. #kahvi #porina"),
    ("en", "Good morning, Helsinki! Doors open at 7 and the first cinnamon buns are out. #kahvi"),
    ("fi", "Viikon kahvi: etiopialainen Yirgacheffe, kukkainen ja kevyt. Tule maistamaan! #kahvi"),
    ("en", "New this week: oat-milk cardamom latte. Tell us what you think! #porina"),
    ("fi", "Perjantaina open mic klo 18. Ilmoittaudu tiskillä tai vastaa tähän. #helsinki #porina"),
    ("en", "Rainy day? Our window seats are free and the soup of the day is tomato. #helsinki"),
    ("fi", "Kiitos kaikille lauantaista, jono ulottui kulman taakse asti! ☕ #porina"),
    ("en", "We compost all our coffee grounds. Bring a jar and take some home for your plants."),
    ("fi", "Uusi kausimenu: puolukka-kaurapiirakka ja glögilatte. #kahvi #helsinki"),
    ("en", "Reminder: bring your own cup and get 20 cents off. Small things add up. #porina"),
]

PEOPLE_POSTS: list[tuple[str, str]] = [
    ("fi", "Aamun paras hetki: ensimmäinen kuppi ja hiljainen kahvila. #kahvi"),
    ("en", "The cardamom latte at @kahvila is dangerously good. #porina"),
    ("fi", "Sataa taas. Onneksi on kahvia. #helsinki"),
    ("en", "Spent the whole afternoon sketching at the window table. Bliss. #helsinki"),
    ("fi", "Kuka muu odottaa perjantain open micia? #porina"),
    ("en", "Hot take: filter coffee is underrated. #kahvi"),
    ("fi", "Löysin Kalliosta uuden lempipuiston. Kävelylle kahvin kanssa? #helsinki"),
    ("en", "Finnish lesson of the day: 'kahvi' is coffee, 'pulla' is happiness."),
    ("fi", "Juoksin aamulla kympin ja palkitsin itseni korvapuustilla. #porina"),
    ("en", "Night shift done. Espresso, then bed. In that order somehow."),
    ("fi", "Kirjastossa tänään satutunti. Sen jälkeen kaakaolle!"),
    ("en", "Working from the café again; the wifi is faster than mine at home. #porina"),
    ("fi", "Soitin eilen ensimmäistä kertaa yleisölle. Jännitti, mutta ihanaa!"),
    ("en", "Baked my first batch of korvapuusti. They look nothing like the café's. #kahvi"),
    ("fi", "Kanta-asiakaskortti täynnä taas. Ilmainen kuppi, kiitos! #kahvi #porina"),
    ("en", "Cycled along the shore this morning. Helsinki in autumn is unfair. #helsinki"),
    ("fi", "Koira sai kahvilasta vesikupin ja rapsutuksia. Paras paikka. #porina"),
    ("en", "First sauna, then ice swimming, then coffee. I understand Finland now. #helsinki"),
    ("fi", "Kaurajuoma vai maito cappuccinoon? Kommentoi. #kahvi"),
    ("en", "Which is better for a first date: coffee or a walk? Asking for a friend."),
    ("fi", "Taksissa kuulee parhaat kahvilasuositukset. Tänään kolme uutta. #helsinki"),
    ("en", "Drew the barista's hands making latte art. Hardest thing I've drawn all year."),
    ("fi", "Joogan jälkeen teetä. Anteeksi, kahvin ystävät. #porina"),
    ("en", "Today's crossword had 'Finnish coffee bread' as a clue. Pulla, obviously."),
    ("fi", "Uusi pyöräkaista Hämeentielle on valmis. Nyt pyörällä kahville! #helsinki"),
    ("en", "Chapter twelve written. Two flat whites. Worth it. #kahvi"),
    ("fi", "Vegaaninen korvapuusti on yhtä hyvä kuin tavallinen. Sanoin sen. #porina"),
    ("en", "Dialled in a new grinder today. Extraction 20% and tasting like fruit. #kahvi"),
    ("fi", "Aamukahvi kuudelta, kuten aina. Lehti ja hiljaisuus."),
    ("en", "Our team standup moved to the corner table. Productivity up 30%. #porina"),
    ("fi", "Viherkasvit voivat hyvin kahvinporoista. Kiitos vinkistä! #kahvi"),
    ("fi", "Peli alkaa seitsemältä. Tumma paahto valmiina. #helsinki"),
    ("en", "Does anyone know a good place to watch the sunset near Kaivopuisto? #helsinki"),
    ("fi", "Lautapeli-ilta kahvilassa oli menestys. Ensi kerralla uudestaan! #porina"),
    ("en", "Learned the word 'porina' today: the murmur of many people talking. Lovely."),
    ("fi", "Töihin kävellessä näin kaksi oravaa ja yhden hyvin väsyneen kuriirin. #helsinki"),
    ("en", "Tried the oat-milk cardamom latte. Verdict: yes. #porina"),
    ("fi", "Kahvi + kirja + sadepäivä = täydellinen lauantai. #kahvi"),
    ("en", "Quiet Sunday. Cortado, crossword, nobody in a hurry."),
    ("fi", "Tänään opin, että kahvipavut ovat oikeastaan siemeniä. #kahvi"),
    ("en", "Tip: the café's soup of the day sells out by one. Plan accordingly. #porina"),
    ("fi", "Metro seisoo taas. Kävelin ja löysin matkalta uuden leipomon. #helsinki"),
    ("en", "Three weeks of Finnish classes and I ordered coffee without switching to English!"),
    ("fi", "Pakkasta -15 ja kahvilassa +22. Tiedätte mihin menen. #kahvi #helsinki"),
    ("en", "Cortado vs flat white: the difference is smaller than the argument. #kahvi"),
    ("fi", "Tein kotona kahvilan ohjeella kardemummalattea. Melkein yhtä hyvää. #porina"),
    ("en", "Someone left a lovely note on the community board at the café. Made my day."),
    ("fi", "Vappuna piknik Kaivopuistossa, termarissa tietysti kahvia. #helsinki"),
    ("en", "Seven years of Helsinki and the sea still surprises me every morning. #helsinki"),
    ("fi", "Open mic -ilta oli täynnä. Kiitos kaikille kuulijoille! #porina"),
]

REPLIES: list[tuple[str, str]] = [
    ("fi", "Samaa mieltä!"),
    ("en", "Totally agree!"),
    ("fi", "Tämä! Nähdään siellä."),
    ("en", "Saving this for later."),
    ("fi", "Kaurajuoma, aina."),
    ("en", "Ha, same here."),
    ("fi", "Kiitos vinkistä!"),
    ("en", "This made my morning."),
    ("fi", "Pitää kokeilla ensi viikolla."),
    ("en", "Count me in!"),
    ("fi", "Ihana kuva!"),
    ("en", "How long did that take?"),
    ("fi", "Olin siellä myös!"),
    ("en", "Great tip, thank you."),
    ("fi", "No nyt tuli kahvin himo."),
    ("en", "Oh no, now I want one too."),
    ("fi", "Hyvä kysymys. Maito!"),
    ("en", "Walk, then coffee. Best of both."),
    ("fi", "Onnea! Ensimmäinen keikka on iso juttu."),
    ("en", "Welcome to Helsinki!"),
]

CONTENT_WARNINGS: list[tuple[str, str, str]] = [
    ("en", "season finale spoilers", "I can't believe they left the café owner out of the finale."),
    ("fi", "ruokakuva, kermaa", "Laskiaispulla, jossa on enemmän kermaa kuin pullaa. Ei kadu."),
    ("en", "rant about rent", "Rents near the city centre are wild. Small cafés deserve better."),
    ("fi", "juonipaljastus: kirja", "Kirjan lopussa kahvilan omistaja onkin murhaaja. Mitä?!"),
    ("en", "caffeine overload", "Four espressos before noon. My hands are vibrating. #kahvi"),
]


@dataclass(frozen=True, slots=True)
class Photo:
    author: str
    lang: str
    text: str
    alt: str
    draw: Callable[[ImageDraw.ImageDraw, int, int], None]


def _latte(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
    d.rectangle((0, 0, w, h), fill=(120, 84, 58))
    d.ellipse((w // 2 - 230, h // 2 - 200, w // 2 + 230, h // 2 + 200), fill=(245, 245, 240))
    d.ellipse((w // 2 - 190, h // 2 - 165, w // 2 + 190, h // 2 + 165), fill=(176, 118, 66))
    d.ellipse((w // 2 - 90, h // 2 - 90, w // 2 + 10, h // 2 + 10), fill=(250, 240, 225))
    d.ellipse((w // 2 - 10, h // 2 - 90, w // 2 + 90, h // 2 + 10), fill=(250, 240, 225))
    d.polygon(
        [(w // 2 - 86, h // 2 - 20), (w // 2 + 86, h // 2 - 20), (w // 2, h // 2 + 95)],
        fill=(250, 240, 225),
    )


def _buns(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
    d.rectangle((0, 0, w, h), fill=(222, 200, 170))
    for i in range(6):
        x, y = 140 + (i % 3) * 260, 180 + (i // 3) * 250
        d.ellipse((x - 100, y - 85, x + 100, y + 85), fill=(196, 130, 62))
        for r in (70, 45, 20):
            d.arc((x - r, y - r * 0.8, x + r, y + r * 0.8), 20, 320, fill=(120, 70, 30), width=8)
        d.ellipse((x - 40, y - 60, x - 30, y - 50), fill=(255, 255, 250))


def _harbour(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
    for y in range(h // 2):
        t = y / (h // 2)
        d.line((0, y, w, y), fill=(int(250 - 60 * t), int(170 - 40 * t), int(110 + 60 * t)))
    d.ellipse((w // 2 - 60, h // 2 - 80, w // 2 + 60, h // 2 + 40), fill=(255, 210, 120))
    d.rectangle((0, h // 2, w, h), fill=(40, 70, 110))
    for i in range(14):
        d.line((0, h // 2 + 12 + i * 20, w, h // 2 + 12 + i * 20), fill=(60, 95, 140), width=2)
    d.polygon(
        [(120, h // 2), (300, h // 2), (270, h // 2 + 30), (150, h // 2 + 30)], fill=(30, 30, 40)
    )
    d.rectangle((560, h // 2 - 140, 640, h // 2), fill=(235, 235, 225))
    d.polygon([(550, h // 2 - 140), (650, h // 2 - 140), (600, h // 2 - 200)], fill=(60, 120, 80))


def _interior(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
    d.rectangle((0, 0, w, h), fill=(240, 228, 205))
    d.rectangle((0, int(h * 0.7), w, h), fill=(150, 105, 70))
    for x in (80, 330, 580):
        d.rectangle((x, 60, x + 180, 300), fill=(170, 205, 230), outline=(90, 70, 50), width=10)
    for x in (150, 450):
        d.ellipse((x - 90, int(h * 0.62), x + 90, int(h * 0.72)), fill=(110, 75, 50))
        d.rectangle((x - 8, int(h * 0.7), x + 8, h - 20), fill=(90, 60, 40))
    d.rectangle((680, 330, 760, 440), fill=(60, 130, 70))
    d.rectangle((690, 440, 750, 500), fill=(170, 90, 60))


PHOTOS: list[Photo] = [
    Photo(
        CAFE,
        "fi",
        "Päivän latte taide: sydän. #kahvi #porina",
        "A latte in a white cup seen from above, with a heart drawn in the milk foam.",
        _latte,
    ),
    Photo(
        CAFE,
        "en",
        "Fresh from the oven: korvapuusti, Finnish cinnamon buns. #kahvi",
        "Six cinnamon buns on a tray, spiralled and sprinkled with pearl sugar.",
        _buns,
    ),
    Photo(
        "otto",
        "fi",
        "Auringonlasku Kaivopuistossa. #helsinki",
        "A sunset over the sea with a boat and a small white lighthouse on an island.",
        _harbour,
    ),
    Photo(
        "zoe",
        "en",
        "Sketched the café interior this morning. #porina #helsinki",
        "A cosy café with three tall windows, two round wooden tables and a potted plant.",
        _interior,
    ),
]

POLL_TEXT = "Mikä tulisi seuraavaksi kausimenuun? / What should join the seasonal menu? #porina"
POLL_OPTIONS = [
    "Mustikkapiirakka / Blueberry pie",
    "Runebergintorttu",
    "Chai latte",
    "Lakritsimokka / Liquorice mocha",
]

DM_THREAD: list[tuple[str, str]] = [
    ("aino", "@kahvila Hei! Onko teillä gluteenittomia korvapuusteja lauantaina?"),
    (CAFE, "@aino Hei Aino! Lauantaina on gluteenittomia pullia klo 10 alkaen. Varataanko kaksi?"),
    ("aino", "@kahvila Kyllä kiitos, haen ne yhdeltätoista. Ihanaa!"),
]


@dataclass
class SeedResult:
    accounts: int = 0
    statuses: int = 0
    follows: int = 0
    favourites: int = 0
    reblogs: int = 0
    logins: list[str] = field(default_factory=list)


@dataclass
class _World:
    actors: dict[str, Actor] = field(default_factory=dict)
    posts: list[tuple[int, str]] = field(default_factory=list)
    """Public top-level statuses: (status id, author username)."""
    followers: dict[str, set[str]] = field(default_factory=dict)


def email_of(username: str) -> str:
    return f"{username}@{EMAIL_DOMAIN}"


async def is_empty(svc: Services) -> bool:
    async with svc.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(Account))
    return not count


async def run(svc: Services, *, if_empty: bool) -> SeedResult | None:
    """Seed the demo world. With ``if_empty``, does nothing when accounts exist (returns None);
    without it, refuses a database that already has accounts."""
    if not await is_empty(svc):
        if if_empty:
            return None
        raise Conflict("The database already has accounts; the demo seeds only an empty one")
    rng = random.Random(RANDOM_SEED)
    world = _World()
    result = SeedResult()
    password_hash = await passwords.hash(DEMO_PASSWORD)
    async with svc.db.transaction() as tx:
        await _accounts(tx, world, password_hash, result)
    async with svc.db.transaction() as tx:
        await _follows(tx, world, rng, result)
    await svc.runner.drain()
    async with svc.db.transaction() as tx:
        await _posts(tx, world, rng, result)
        await _photos(tx, svc, world, result)
        await _poll(tx, world, rng, result)
        await _direct_thread(tx, world, result)
    async with svc.db.transaction() as tx:
        await _replies(tx, world, rng, result)
        await _favourites_and_reblogs(tx, world, rng, result)
    await svc.runner.drain()
    result.logins = [email_of(CAFE), email_of(ADMIN), email_of(PEOPLE[0].username)]
    return result


async def _account(tx: Tx, world: _World, new: NewAccount) -> None:
    account, user = await create_account(tx, new)
    world.actors[account.username] = Actor(account.id, user.id)
    world.followers[account.username] = set()


async def _accounts(tx: Tx, world: _World, password_hash: str, result: SeedResult) -> None:
    def new(username: str, display_name: str, **extra: Any) -> NewAccount:
        return NewAccount(
            username=username,
            email=email_of(username),
            display_name=display_name,
            password=DEMO_PASSWORD,
            password_hash=password_hash,
            **extra,
        )

    await _account(tx, world, new(CAFE, "Kahvila Porina", actor_type="Organization", locale="fi"))
    await _account(tx, world, new(ADMIN, "Porina Admin", role="admin", allow_reserved=True))
    for person in PEOPLE:
        await _account(tx, world, new(person.username, person.name, locale=person.lang))
    result.accounts = len(world.actors)


async def _follow(tx: Tx, world: _World, who: str, whom: str, result: SeedResult) -> None:
    if who == whom or who in world.followers[whom]:
        return
    await graph.follow(tx, world.actors[who], world.actors[whom].account_id)
    world.followers[whom].add(who)
    result.follows += 1


async def _follows(tx: Tx, world: _World, rng: random.Random, result: SeedResult) -> None:
    """A power-law-ish graph: a few people are followed by many, most by a handful; nearly
    everyone follows the café, and the café follows its regulars back."""
    names = [p.username for p in PEOPLE]
    weights = [1.0 / math.pow(rank + 1, 1.1) for rank in range(len(names))]
    for name in names:
        if rng.random() < 0.93:
            await _follow(tx, world, name, CAFE, result)
        for _ in range(rng.randint(3, 12)):
            await _follow(tx, world, name, rng.choices(names, weights)[0], result)
    for name in names[:12]:
        await _follow(tx, world, CAFE, name, result)
    await _follow(tx, world, ADMIN, CAFE, result)


async def _post(tx: Tx, world: _World, author: str, new: NewStatus, result: SeedResult) -> int:
    status = await create_status(tx, world.actors[author], new)
    result.statuses += 1
    return status.id


async def _posts(tx: Tx, world: _World, rng: random.Random, result: SeedResult) -> None:
    """The café's posts and people's posts, each written by someone who speaks its language;
    busier people post more (the first of each language list most often)."""
    speakers = {lang: [p.username for p in PEOPLE if p.lang == lang] for lang in ("fi", "en")}
    texts: list[tuple[str, str, str]] = [(CAFE, lang, text) for lang, text in CAFE_POSTS]
    for lang, text in PEOPLE_POSTS:
        names = speakers[lang]
        weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(names))]
        texts.append((rng.choices(names, weights)[0], lang, text))
    rng.shuffle(texts)
    for author, lang, text in texts:
        new = NewStatus(text=text, language=lang, visibility="public")
        world.posts.append((await _post(tx, world, author, new, result), author))
    for lang, warning, text in CONTENT_WARNINGS:
        new = NewStatus(text=text, spoiler_text=warning, language=lang, visibility="public")
        await _post(tx, world, rng.choice(speakers[lang]), new, result)


def _picture(draw: Callable[[ImageDraw.ImageDraw, int, int], None]) -> bytes:
    image = Image.new("RGB", (800, 600))
    draw(ImageDraw.Draw(image), 800, 600)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def _photos(tx: Tx, svc: Services, world: _World, result: SeedResult) -> None:
    for photo in PHOTOS:
        stored = await media_actions.store_upload(svc.settings, _picture(photo.draw))
        media = await media_actions.create_media(
            tx, world.actors[photo.author], stored, description=photo.alt
        )
        status_id = await _post(
            tx,
            world,
            photo.author,
            NewStatus(
                text=photo.text, language=photo.lang, media_ids=[media.id], visibility="public"
            ),
            result,
        )
        world.posts.append((status_id, photo.author))


async def _poll(tx: Tx, world: _World, rng: random.Random, result: SeedResult) -> None:
    spec = PollSpec(options=POLL_OPTIONS, expires_in=3 * 24 * 3600)
    status_id = await _post(
        tx,
        world,
        CAFE,
        NewStatus(text=POLL_TEXT, poll=spec, language="fi", visibility="public"),
        result,
    )
    world.posts.append((status_id, CAFE))
    poll_id = await _poll_id(tx, status_id)
    voters = rng.sample([p.username for p in PEOPLE], 18)
    for voter in voters:
        choice = min(int(rng.expovariate(0.9)), len(POLL_OPTIONS) - 1)
        await polls.vote(tx, world.actors[voter], poll_id, [choice])


async def _poll_id(tx: Tx, status_id: int) -> int:
    poll_id = await tx.session.scalar(select(Poll.id).where(Poll.status_id == status_id))
    assert poll_id is not None
    return int(poll_id)


async def _direct_thread(tx: Tx, world: _World, result: SeedResult) -> None:
    previous: int | None = None
    for author, text in DM_THREAD:
        previous = await _post(
            tx,
            world,
            author,
            NewStatus(text=text, visibility="direct", language="fi", in_reply_to_id=previous),
            result,
        )


async def _replies(tx: Tx, world: _World, rng: random.Random, result: SeedResult) -> None:
    """Replies, mostly to popular posts, some of them answered in turn (threads)."""
    names = [p.username for p in PEOPLE]
    targets = rng.sample(world.posts, min(14, len(world.posts)))
    for index, (lang, text) in enumerate(REPLIES):
        status_id, author = targets[index % len(targets)]
        replier = rng.choice([n for n in names if n != author])
        reply = await _post(
            tx,
            world,
            replier,
            NewStatus(
                text=f"@{author} {text}",
                in_reply_to_id=status_id,
                language=lang,
                visibility="public",
            ),
            result,
        )
        if index % 4 == 0:
            await _post(
                tx,
                world,
                author,
                NewStatus(
                    text=f"@{replier} {'Kiitos!' if lang == 'fi' else 'Thank you!'}",
                    in_reply_to_id=reply,
                    language=lang,
                    visibility="public",
                ),
                result,
            )


async def _favourites_and_reblogs(
    tx: Tx, world: _World, rng: random.Random, result: SeedResult
) -> None:
    for status_id, author in world.posts:
        audience = sorted(world.followers[author])
        if not audience:
            continue
        fans = rng.sample(audience, min(len(audience), rng.randint(0, 8)))
        for fan in fans:
            await interactions.favourite(tx, world.actors[fan], status_id)
            result.favourites += 1
        if fans and rng.random() < 0.35:
            await interactions.reblog(tx, world.actors[rng.choice(fans)], status_id)
            result.reblogs += 1
