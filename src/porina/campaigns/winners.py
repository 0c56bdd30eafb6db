"""What happens to a drawn contest's winners (issue 18, point 3), as far as built: a winner
the brand's staff disqualify in the review (``ContestEntrantReviewed`` with ``disqualify``,
``campaigns.fraud.decide``) after the draw is set aside and the next entrant drawn
(``contests.redraw``, reason ``disqualified``), in the same transaction as the decision
(when no entrant is left, nothing changes). A disqualification before the draw needs nothing
here: the close leaves the entrant out."""

from __future__ import annotations

from porina.accounts.models import Account
from porina.campaigns import contests
from porina.campaigns.contests import InvalidContest
from porina.campaigns.draw import normalise_acct, pseudonym
from porina.campaigns.models import Contest
from porina.campaigns.review_events import ContestEntrantReviewed
from porina.jobs.events import subscribe
from porina.storage.db import Tx

DISQUALIFIED = "disqualified"


async def listed_names(tx: Tx, contest: Contest, account_id: int) -> set[str]:
    """The names the entries file could list ``account_id`` under: its acct, its pseudonym."""
    names = {pseudonym(contest.pseudonym_key, account_id)}
    account = await tx.session.get(Account, account_id)
    if account is not None:
        domain = account.domain or tx.settings.local_domain
        names.add(normalise_acct(f"{account.username}@{domain}"))
    return names


@subscribe(ContestEntrantReviewed, when=lambda e: e.decision == "disqualify")
async def disqualified(tx: Tx, event: ContestEntrantReviewed) -> None:
    contest = await tx.session.get(Contest, event.contest_id, with_for_update=True)
    if contest is None or contest.state != "drawn":
        return
    names = await listed_names(tx, contest, event.target_account_id)
    winning = contests.current_winners(await contests.draws(tx.session, contest.id))
    for acct in winning:
        if acct in names:
            try:
                await contests.redraw(tx, contest, acct, DISQUALIFIED)
            except InvalidContest:
                return  # no entrant left to draw: the prize stays with nobody new
