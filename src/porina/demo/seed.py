"""The demo world ``make run`` seeds: Kahvila Porina, a café, Puoti Kallio, a shop, and the
people around them.

Everything is made through the same actions the API uses (sign-up, profile update with avatar
and header, team operators, follow, post, media upload, favourite, reblog, vote), so the demo
shows what the product really does: events fire, timelines fill, notifications exist. The
world is the same on every run (a fixed random seed); its pictures are drawn with Pillow
(``faces``, ``scenes``, ``photos``: nothing downloaded, no licence to track). Argon2 is slow on
purpose, so the one demo password is hashed once and that hash is given to every demo account.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from porina.accounts import graph, operators, passwords
from porina.accounts.actions import NewAccount, ProfileChanges, create_account, update_profile
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import back_dated
from porina.core.errors import Conflict
from porina.demo import (
    calendar_scene,
    campaign_scene,
    desk_scene,
    faces,
    groups_scene,
    newsletter_scene,
    scenes,
)
from porina.demo.content import (
    ADMIN,
    BUSINESSES,
    CAFE,
    CAFE_POSTS,
    CONTENT_WARNINGS,
    DEMO_PASSWORD,
    DM_THREAD,
    EMAIL_DOMAIN,
    OPERATORS,
    PEOPLE,
    PEOPLE_DM,
    PEOPLE_POSTS,
    PHOTOS,
    POLL_OPTIONS,
    POLL_TEXT,
    RANDOM_SEED,
    REPLIES,
    SHOP,
    SHOP_POSTS,
    THREAD,
    THREAD_START,
    TRENDING,
    Person,
    Photo,
)
from porina.interactions import actions as interactions
from porina.posts import media_actions, polls
from porina.posts.actions import NewStatus, create_status
from porina.posts.models import Poll
from porina.posts.polls import PollSpec
from porina.services import Services
from porina.storage.db import Tx

__all__ = [
    "ADMIN",
    "CAFE",
    "CONTENT_WARNINGS",
    "DEMO_PASSWORD",
    "DM_THREAD",
    "EMAIL_DOMAIN",
    "PEOPLE",
    "PEOPLE_DM",
    "PHOTOS",
    "SHOP",
    "THREAD",
    "TRENDING",
    "Person",
    "Photo",
    "SeedResult",
    "email_of",
    "is_empty",
    "run",
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
    back: timedelta = timedelta(0)
    """How long ago the next post or interaction happens (``_tick``)."""
    step: timedelta = timedelta(0)
    latest: timedelta = timedelta(0)


JOINED = timedelta(days=30)
"""The demo world's people joined a month ago and followed each other three weeks ago; their
posts spread over the last two and a half days, the replies, likes and boosts over the last
three hours, so pages show times as they would on a living server."""
FOLLOWED = timedelta(days=21)
POSTS_FROM, POSTS_STEP, POSTS_UNTIL = timedelta(hours=60), timedelta(minutes=40), timedelta(hours=3)
REACTIONS_STEP, REACTIONS_UNTIL = timedelta(seconds=30), timedelta(minutes=1)


def _era(world: _World, start: timedelta, step: timedelta, until: timedelta) -> None:
    world.back, world.step, world.latest = start + step, step, until


def _tick(world: _World) -> timedelta:
    """The next moment of the current era (``_era``), never later than its end."""
    world.back = max(world.back - world.step, world.latest)
    return world.back


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
    drawing = asyncio.create_task(asyncio.to_thread(_pictures))
    password_hash = await passwords.hash(DEMO_PASSWORD)
    with back_dated(JOINED):
        async with svc.db.transaction() as tx:
            await _accounts(tx, world, password_hash, result)
            await _operators(tx, world)
    with back_dated(FOLLOWED):
        async with svc.db.transaction() as tx:
            await _follows(tx, world, rng, result)
    await svc.runner.drain()
    async with svc.db.transaction() as tx:
        await _profiles(tx, world, await drawing)
    _era(world, POSTS_FROM, POSTS_STEP, POSTS_UNTIL)
    async with svc.db.transaction() as tx:
        await _posts(tx, world, rng, result)
        await _photos(tx, svc, world, result)
        await _poll(tx, world, rng, result)
        await _direct_threads(tx, world, result)
        await _thread(tx, world, result)
        await _trending(tx, world, result)
    _era(world, POSTS_UNTIL, REACTIONS_STEP, REACTIONS_UNTIL)
    async with svc.db.transaction() as tx:
        await _replies(tx, world, rng, result)
        await _favourites_and_reblogs(tx, world, rng, result)
    async with svc.db.transaction() as tx:
        cafe_staff = {str(role): person for brand, person, role in OPERATORS if brand == CAFE}
        await desk_scene.seed(tx, world.actors, CAFE, cafe_staff)
    await svc.runner.drain()
    await campaign_scene.seed(svc, world.actors, CAFE, cafe_staff["manager"])
    await calendar_scene.seed(svc, world.actors, CAFE, cafe_staff)
    signing = [(email_of(p.username), p.name) for p in PEOPLE[:4]]
    await newsletter_scene.seed(svc, world.actors, CAFE, cafe_staff["manager"], signing)
    await groups_scene.seed(svc, world.actors, CAFE, [p.username for p in PEOPLE[:5]])
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

    for business in BUSINESSES:
        await _account(
            tx, world, new(business.username, business.name, actor_type="Organization", locale="fi")
        )
    await _account(tx, world, new(ADMIN, "Porina Admin", role="admin", allow_reserved=True))
    for person in PEOPLE:
        await _account(tx, world, new(person.username, person.name, locale=person.lang))
    result.accounts = len(world.actors)


def _pictures() -> dict[str, tuple[bytes, bytes]]:
    """Every account's (avatar, header), drawn in a thread while the accounts and follows are
    written."""
    drawn = {
        business.username: (
            faces.cafe_logo() if business.username == CAFE else faces.shop_logo(),
            scenes.business_header(index),
        )
        for index, business in enumerate(BUSINESSES)
    }
    drawn[ADMIN] = (faces.instance_logo(), scenes.header(len(PEOPLE), ADMIN))
    for index, person in enumerate(PEOPLE):
        drawn[person.username] = (
            faces.portrait(index, person.username),
            scenes.header(index, person.username),
        )
    return drawn


async def _profiles(tx: Tx, world: _World, pictures: dict[str, tuple[bytes, bytes]]) -> None:
    """A picture and a header for everyone, bios, and the businesses' opening hours and
    address (the same ``update_profile`` as Settings → Profile)."""
    notes: dict[str, tuple[str, list[tuple[str, str]] | None]] = {
        b.username: (b.bio, b.fields) for b in BUSINESSES
    }
    notes[ADMIN] = ("Tämän Porina-palvelimen ylläpitäjä. The admin of this Porina server.", None)
    notes |= {p.username: (p.bio, None) for p in PEOPLE}
    for username, (avatar, header) in pictures.items():
        note, fields = notes[username]
        changes = ProfileChanges(note=note, fields=fields, avatar=avatar, header=header)
        await update_profile(tx, world.actors[username], changes)


async def _operators(tx: Tx, world: _World) -> None:
    for brand, person, role in OPERATORS:
        staff = world.actors[person].user_id
        assert staff is not None
        await operators.add_operator(
            tx,
            world.actors[brand].account_id,
            staff,
            role,
            by_user_id=world.actors[brand].user_id,
        )


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
        if rng.random() < 0.6:
            await _follow(tx, world, name, SHOP, result)
    for name in names[:12]:
        await _follow(tx, world, CAFE, name, result)
    await _follow(tx, world, SHOP, CAFE, result)
    await _follow(tx, world, CAFE, SHOP, result)
    await _follow(tx, world, ADMIN, CAFE, result)


async def _post(tx: Tx, world: _World, author: str, new: NewStatus, result: SeedResult) -> int:
    with back_dated(_tick(world)):
        status = await create_status(tx, world.actors[author], new)
    result.statuses += 1
    return status.id


async def _posts(tx: Tx, world: _World, rng: random.Random, result: SeedResult) -> None:
    """The café's posts and people's posts, each written by someone who speaks its language;
    busier people post more (the first of each language list most often)."""
    speakers = {lang: [p.username for p in PEOPLE if p.lang == lang] for lang in ("fi", "en")}
    texts: list[tuple[str, str, str]] = [(CAFE, lang, text) for lang, text in CAFE_POSTS]
    texts += [(SHOP, lang, text) for lang, text in SHOP_POSTS]
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


async def _photos(tx: Tx, svc: Services, world: _World, result: SeedResult) -> None:
    """Posts with pictures, uploaded as the media API does (thumbnail, blurhash, meta) with
    alt text in the post's language."""
    for photo in PHOTOS:
        media_ids = []
        for draw, alt in photo.pictures:
            stored = await media_actions.store_upload(svc.settings, draw())
            media = await media_actions.create_media(
                tx, world.actors[photo.author], stored, description=alt
            )
            media_ids.append(media.id)
        new = NewStatus(
            text=photo.text, language=photo.lang, media_ids=media_ids, visibility="public"
        )
        world.posts.append((await _post(tx, world, photo.author, new, result), photo.author))


async def _thread(tx: Tx, world: _World, result: SeedResult) -> None:
    """The café asks who performs at the open mic; several people answer, and answer each
    other."""
    author, lang, text = THREAD_START
    first = await _post(tx, world, author, NewStatus(text=text, language=lang), result)
    world.posts.append((first, author))
    ids, authors = [first], [author]
    for who, lang, text, parent in THREAD:
        mention = f"@{authors[parent]} " if authors[parent] != who else ""
        new = NewStatus(
            text=mention + text, language=lang, in_reply_to_id=ids[parent], visibility="public"
        )
        ids.append(await _post(tx, world, who, new, result))
        authors.append(who)


async def _trending(tx: Tx, world: _World, result: SeedResult) -> None:
    for author, lang, text in TRENDING:
        status_id = await _post(tx, world, author, NewStatus(text=text, language=lang), result)
        world.posts.append((status_id, author))


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


async def _direct_threads(tx: Tx, world: _World, result: SeedResult) -> None:
    """Aino asks the café about gluten-free buns; Emma and Sophie plan their Friday."""
    for thread, lang in ((DM_THREAD, "fi"), (PEOPLE_DM, "en")):
        previous: int | None = None
        for author, text in thread:
            new = NewStatus(text=text, visibility="direct", language=lang, in_reply_to_id=previous)
            previous = await _post(tx, world, author, new, result)


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
            with back_dated(_tick(world)):
                await interactions.favourite(tx, world.actors[fan], status_id)
            result.favourites += 1
        if fans and rng.random() < 0.35:
            with back_dated(_tick(world)):
                await interactions.reblog(tx, world.actors[rng.choice(fans)], status_id)
            result.reblogs += 1
