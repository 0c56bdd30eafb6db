"""The demo café's newsletter (issue 19), written through the same actions as real use: a
double opt-in list that says what subscribers get and how often and gives a gift for
joining; three subscribers who confirmed and one still to confirm (the mails are in the
outbox, ``/admin/mail``); a campaign draft in Markdown and a digest of the café's recent
posts scheduled for three days from now. Nothing is sent: a campaign sends only when staff
say so, and the demo mails nobody."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from porina.core.actor import Actor
from porina.core.clock import now
from porina.newsletter import actions, campaigns, subscriptions
from porina.newsletter.models import NewsletterSubscriber
from porina.services import Services

LIST = {
    "name": "Kahvilan kuulumiset",
    "description": "Uudet leivonnaiset, tapahtumat ja kanta-asiakastarjoukset.",
    "frequency": "1\u20134 viestiä viikossa",
    "double_opt_in": "true",
    "gift_url": "https://example.com/kahvila/joulupiparit.pdf",
    "gift_label": "Joulupiparien resepti",
}
DRAFT = (
    "Hei {{name}}!\n\nJoulun aukioloajat ja uudet talvileivonnaiset ovat täällä. "
    "**Torstaina klo 14** maistiaiset: tervetuloa!\n"
)


async def _subscribe(svc: Services, list_id: int, people: list[tuple[str, str]]) -> None:
    async with svc.db.transaction() as tx:
        for email, name in people:
            form = subscriptions.SignUp(email=email, name=name, source=None, locale="fi")
            await subscriptions.subscribe(tx, list_id, form)


async def _confirm(svc: Services, list_id: int, emails: list[str]) -> None:
    async with svc.db.transaction() as tx:
        tokens = await tx.session.scalars(
            select(NewsletterSubscriber.token).where(
                NewsletterSubscriber.list_id == list_id, NewsletterSubscriber.email.in_(emails)
            )
        )
        for token in list(tokens):
            await subscriptions.confirm(tx, token)


async def seed(
    svc: Services,
    actors: dict[str, Actor],
    cafe: str,
    manager: str,
    signing: list[tuple[str, str]],
) -> None:
    """``signing``: (address, name) of the people who sign up; all but the last confirm."""
    staff = Actor(actors[cafe].account_id, actors[manager].user_id, operated=True)
    async with svc.db.transaction() as tx:
        listing = await actions.create_list(tx, staff, LIST)
    await _subscribe(svc, listing.id, signing)
    await _confirm(svc, listing.id, [email for email, _ in signing[:-1]])
    ids = [str(listing.id)]
    async with svc.db.transaction() as tx:
        await campaigns.create(
            tx, staff, {"list_ids": ids, "subject": "Joulun aukioloajat", "body": DRAFT}
        )
        digest = await campaigns.create(
            tx, staff, {"list_ids": ids, "subject": "Viikon kuulumiset", "kind": "digest"}
        )
        when = (now() + timedelta(days=3)).replace(microsecond=0).isoformat()
        await campaigns.schedule(tx, staff, digest.id, when)
    await svc.runner.drain()
