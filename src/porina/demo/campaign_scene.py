"""The demo café's campaigns (issue 18), written through the same actions as real use:

- a giveaway that ended three days ago: people entered by liking and replying (one privately,
  so the published list shows a pseudonym), it was drawn with ``porina-draw-v1``, the winners
  were told by DM (and e-mail, held in the outbox), one claimed, and the café published the
  results as a reply; the proof verifies;
- a giveaway running now, with entrants so far and its commitment;
- a photo challenge on ``#kahvilahetki`` with submissions and votes on its leaderboard;
- an anonymous survey on a café post as its card, with answers and results.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from porina.campaigns import challenges, contests, surveys, winners
from porina.core.actor import Actor
from porina.core.clock import back_dated, now
from porina.interactions import actions as interactions
from porina.posts.actions import NewStatus, create_status
from porina.services import Services

ENDED: dict[str, Any] = {
    "title": "Joulukahvit koko vuodeksi",
    "prizes": ["Vuoden kahvit (yksi kuppi päivässä)", "Kahvilan muki"],
    "winners": 2,
    "weights": {"favourite": 1, "reply": 2, "reblog": 1},
    "reply_must_contain": "#joulukahvit",
    "claim_days": 14,
}
RUNNING: dict[str, Any] = {
    "title": "Win a weekend brunch for two",
    "prizes": "Brunch for two on a Saturday of your choice",
    "winners": 1,
    "weights": {"favourite": 1, "reply": 2, "follow": 1},
}
ENDED_POST = "Arvonta! Tykkää ja vastaa tunnisteella #joulukahvit: arvomme vuoden kahvit kahdelle."
RUNNING_POST = "Giveaway: like this post or reply to win a weekend brunch for two!"
ENTRANTS = ["aino", "emma", "eero", "oliver", "helmi", "juho", "grace", "kaisa", "jack", "lauri"]
PRIVATE_ENTRANT = "chloe"
RUNNING_ENTRANTS = ["emma", "oliver", "grace", "liam", "mia"]
CHALLENGE = {"hashtag": "kahvilahetki", "title": "Kahvilahetki: your best café moment"}
SUBMISSIONS = [
    ("aino", "fi", "Aamun ensimmäinen kuppi ikkunapöydässä #kahvilahetki"),
    ("oliver", "en", "Cinnamon buns in the morning light #kahvilahetki"),
    ("helmi", "fi", "Lautapeli-ilta ja kaakaot #kahvilahetki"),
]
SURVEY: dict[str, Any] = {
    "title": "Miten kahvilassa viihdyt? / How do you like the café?",
    "anonymous": True,
    "questions": [
        {"kind": "scale", "text": "Kuinka tyytyväinen olet palveluun? (1-5)"},
        {"kind": "recommend", "text": "Suosittelisitko meitä ystävälle? (0-10)"},
        {
            "kind": "multiple",
            "text": "Mitä tilaat useimmiten?",
            "options": ["Kahvi", "Tee", "Leivonnainen"],
        },
        {"kind": "text", "text": "Mitä toivoisit lisää?"},
    ],
}
SURVEY_POST = "Kerro meille, miten viihdyt! Vastaukset ovat nimettömiä."
ANSWERS: list[list[Any]] = [
    [5, 10, [0, 2], "Lisää gluteenittomia leivonnaisia"],
    [4, 8, [0], "Pidemmät aukioloajat lauantaisin"],
    [5, 9, [1, 2], ""],
    [3, 6, [0], "Hiljaisempi nurkkaus etätöille"],
    [4, 9, [0, 2], "Kaurajuomavaihtoehtoja"],
]


async def _post(svc: Services, actor: Actor, text: str, lang: str, **fields: Any) -> int:
    async with svc.db.transaction() as tx:
        status = await create_status(
            tx, actor, NewStatus(text=text, language=lang, visibility="public", **fields)
        )
    return status.id


async def _contest(svc: Services, manager: Actor, status_id: int, spec: dict[str, Any]) -> int:
    moment = now()
    data = {
        **spec,
        "status_id": str(status_id),
        "starts_at": (moment - timedelta(minutes=5)).isoformat(),
        "ends_at": (moment + timedelta(days=7)).isoformat(),
    }
    async with svc.db.transaction() as tx:
        return (await contests.create(tx, manager, data)).id


async def _enter(svc: Services, actors: dict[str, Actor], status_id: int, names: list[str]) -> None:
    for n, name in enumerate(names):
        async with svc.db.transaction() as tx:
            await interactions.favourite(tx, actors[name], status_id)
            if n % 2 == 0:
                reply = NewStatus(
                    text="Mukana! #joulukahvit", in_reply_to_id=status_id, visibility="public"
                )
                await create_status(tx, actors[name], reply)


async def _ended_giveaway(
    svc: Services, actors: dict[str, Actor], cafe: str, manager: Actor
) -> None:
    with back_dated(timedelta(days=10)):
        post = await _post(svc, actors[cafe], ENDED_POST, "fi")
        contest_id = await _contest(svc, manager, post, ENDED)
        await _enter(svc, actors, post, ENTRANTS)
        async with svc.db.transaction() as tx:
            quiet = NewStatus(
                text="Toivottavasti voitan! #joulukahvit", in_reply_to_id=post, visibility="private"
            )
            await create_status(tx, actors[PRIVATE_ENTRANT], quiet)
    with back_dated(timedelta(days=3)):
        async with svc.db.transaction() as tx:
            await contests.close(tx, contest_id, manager)
        await svc.runner.drain()  # the winners' DMs and e-mails
        async with svc.db.transaction() as tx:
            drawn = await contests.draws(tx.session, contest_id)
            first = next(d for d in drawn if d.account_id is not None)
            await winners.claim(tx, first.account_id or 0, contest_id)
        async with svc.db.transaction() as tx:
            await winners.publish_results(tx, manager, contest_id)


async def _running_giveaway(
    svc: Services, actors: dict[str, Actor], cafe: str, manager: Actor
) -> None:
    with back_dated(timedelta(days=1)):
        post = await _post(svc, actors[cafe], RUNNING_POST, "en")
        await _contest(svc, manager, post, RUNNING)
    for name in RUNNING_ENTRANTS:
        async with svc.db.transaction() as tx:
            await interactions.favourite(tx, actors[name], post)


async def _challenge(svc: Services, actors: dict[str, Actor], manager: Actor) -> None:
    moment = now()
    data = {
        **CHALLENGE,
        "starts_at": (moment - timedelta(days=2)).isoformat(),
        "ends_at": (moment + timedelta(days=12)).isoformat(),
        "scoring": "votes",
    }
    async with svc.db.transaction() as tx:
        await challenges.create(tx, manager, data)
    for rank, (who, lang, text) in enumerate(SUBMISSIONS):
        status_id = await _post(svc, actors[who], text, lang)
        for voter in ENTRANTS[: 6 - 2 * rank]:
            if voter != who:
                async with svc.db.transaction() as tx:
                    await interactions.favourite(tx, actors[voter], status_id)


async def _survey(svc: Services, actors: dict[str, Actor], cafe: str, manager: Actor) -> None:
    post = await _post(svc, actors[cafe], SURVEY_POST, "fi")
    async with svc.db.transaction() as tx:
        survey = await surveys.create(
            tx, manager, {**SURVEY, "status_id": str(post)}, svc.settings.base_url
        )
    for name, answers in zip(ENTRANTS, ANSWERS, strict=False):
        async with svc.db.transaction() as tx:
            await surveys.respond(tx, actors[name], survey.id, {"answers": answers})


async def seed(svc: Services, actors: dict[str, Actor], cafe: str, manager_name: str) -> None:
    """The café's campaigns; ``manager_name`` is the café's manager (acting as the café)."""
    manager = Actor(actors[cafe].account_id, actors[manager_name].user_id, operated=True)
    await _ended_giveaway(svc, actors, cafe, manager)
    await _running_giveaway(svc, actors, cafe, manager)
    await _challenge(svc, actors, manager)
    await _survey(svc, actors, cafe, manager)
    await svc.runner.drain()
