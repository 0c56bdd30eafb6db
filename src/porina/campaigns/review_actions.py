"""Staff's review decision with its consequence (issue 18, point 1): ``decide`` records the
decision (``fraud.decide``) and, when a winner of a drawn contest is disqualified, sets them
aside through the contest's re-draw (``contests.redraw``), in the same transaction.

The re-draw's public reason is fixed (``PUBLIC_REASON``): staff's own reason may name other
accounts or e-mail matches, and stays in the review, which only staff read. A contest with
nobody left to draw keeps its winner list as it is and the decision stands.
"""

from __future__ import annotations

from collections.abc import Mapping

from porina.accounts.models import Account
from porina.campaigns import contests, fraud
from porina.campaigns.draw import pseudonym
from porina.campaigns.models import Contest
from porina.campaigns.review_models import ContestReview
from porina.core.actor import Actor
from porina.storage.db import Tx

PUBLIC_REASON = "winner disqualified by the organiser"


async def decide(
    tx: Tx, actor: Actor, contest_id: int, body: Mapping[str, object], local: str
) -> ContestReview:
    row = await fraud.decide(tx, actor, contest_id, body, local)
    if row.decision != "disqualify":
        return row
    contest = await tx.session.get(Contest, contest_id)
    account = await tx.session.get(Account, row.account_id)
    if contest is None or account is None or contest.state != "drawn":
        return row
    names = {
        f"{account.username}@{(account.domain or local).lower()}",
        pseudonym(contest.pseudonym_key, account.id),
    }
    winners = contests.current_winners(await contests.draws(tx.session, contest.id))
    for acct in [w for w in winners if w in names]:
        try:
            await contests.redraw(tx, contest, acct, PUBLIC_REASON)
        except contests.InvalidContest:
            break  # nobody is left to draw: the decision stands, the prize stays undrawn
    return row
