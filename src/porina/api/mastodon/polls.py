"""``/api/v1/polls``: read a poll, vote in it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.core.errors import Unprocessable
from porina.core.ids import parse_id
from porina.interactions.viewer import ViewerState
from porina.posts import polls
from porina.posts.errors import PollNotFound
from porina.posts.models import Poll, PollVote, Status
from porina.posts.visibility import is_visible
from porina.render import entities as e
from porina.render.renderer import Renderer


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise PollNotFound()
    return parsed


async def render_poll(
    request: Request[Any, Any, Any], session: AsyncSession, viewer_id: int | None, poll_id: int
) -> e.Poll:
    poll = await session.get(Poll, poll_id, populate_existing=True)
    if poll is None:
        raise PollNotFound()
    status = await session.get(Status, poll.status_id)
    if status is None or not await is_visible(session, viewer_id, status):
        raise PollNotFound()
    state = ViewerState()
    if viewer_id is not None:
        choices = await session.scalars(
            select(PollVote.choice).where(
                PollVote.poll_id == poll.id, PollVote.account_id == viewer_id
            )
        )
        state.votes[poll.id] = list(choices)
    return Renderer(auth.services_of(request).settings).poll(poll, state, viewer_id)


@get("/api/v1/polls/{poll_id:str}")
async def show_poll(request: Request[Any, Any, Any], poll_id: str) -> e.Poll:
    viewer = await auth.optional(request, "read:statuses")
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        return await render_poll(
            request, session, viewer.account_id if viewer else None, _id(poll_id)
        )


@post("/api/v1/polls/{poll_id:str}/votes", status_code=200)
async def vote(request: Request[Any, Any, Any], poll_id: str) -> e.Poll:
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    choices: list[int] = []
    for raw in params.str_list("choices"):
        try:
            choices.append(int(raw))
        except ValueError as exc:
            raise Unprocessable("Validation failed: Choice is not a valid option") from exc
    target = _id(poll_id)
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        await polls.vote(tx, auth.actor_of(viewer), target, choices)
    async with svc.db.read() as session:
        return await render_poll(request, session, viewer.account_id, target)


ROUTES = [show_poll, vote]
