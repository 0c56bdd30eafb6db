"""The typed errors of newsletter campaigns (codes in docs/newsletter.md, "Campaigns")."""

from __future__ import annotations

from porina.core.errors import Conflict, NotFound, Unprocessable


class CampaignNotFound(NotFound):
    code = "newsletter_campaign_not_found"


class InvalidCampaign(Unprocessable):
    """A field out of bounds: a blank or too long subject, a line break in it, no list, a
    body over ``MAX_BODY`` characters, a malformed test address, a time in the past."""

    code = "newsletter_campaign_invalid"


class CampaignState(Conflict):
    """The action does not apply in the campaign's state (editing a sent campaign, pausing a
    draft...)."""

    code = "newsletter_campaign_state"
