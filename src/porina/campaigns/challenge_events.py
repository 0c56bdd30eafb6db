"""Challenges' and surveys' own events (rank 8: only campaigns and packages above it may
subscribe). ``SurveyAnswered`` names the survey only, never the response."""

from __future__ import annotations

from porina.core.events import Event


class ChallengeCreated(Event, frozen=True, kw_only=True):
    challenge_id: int
    brand_account_id: int


class ChallengeScored(Event, frozen=True, kw_only=True):
    """A judge (``actor.user_id``) scored a submission of a jury challenge."""

    challenge_id: int
    status_id: int
    score: int


class ChallengeAnnounced(Event, frozen=True, kw_only=True):
    challenge_id: int
    status_id: int


class SurveyCreated(Event, frozen=True, kw_only=True):
    survey_id: int
    brand_account_id: int


class SurveyAnswered(Event, frozen=True, kw_only=True):
    """Someone answered ``survey_id``. For an anonymous survey the event carries no actor."""

    survey_id: int
