"""Challenges and surveys (issue 18, points 4-5): ``challenges``, ``challenge_submissions``,
``challenge_scores``; ``surveys``, ``survey_participants`` (keyed hashes only) and
``survey_responses`` (random ids, no time, no link to the participant rows).

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import porina.storage.base

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

TIME = porina.storage.base.UTCDateTime
ID = sa.BigInteger


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _challenges() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", ID(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", ID(), nullable=False),
        sa.Column("hashtag", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", TIME(timezone=True), nullable=False),
        sa.Column("ends_at", TIME(timezone=True), nullable=False),
        sa.Column("scoring", sa.String(length=8), nullable=False),
        sa.Column("announced_status_id", ID(), nullable=True),
        sa.Column("created_by_user_id", ID(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _fk("challenges", "brand_account_id", "accounts", "CASCADE"),
        _fk("challenges", "announced_status_id", "statuses", "SET NULL"),
        _fk("challenges", "created_by_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
    )
    op.create_index("ix_challenges_hashtag_ends_at", "challenges", ["hashtag", "ends_at"])
    op.create_index("ix_challenges_brand_account_id", "challenges", ["brand_account_id"])


def _submissions() -> None:
    op.create_table(
        "challenge_submissions",
        sa.Column("id", ID(), autoincrement=False, nullable=False),
        sa.Column("challenge_id", ID(), nullable=False),
        sa.Column("status_id", ID(), nullable=False),
        sa.Column("author_id", ID(), nullable=False),
        sa.Column("score", ID(), nullable=False),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _fk("challenge_submissions", "challenge_id", "challenges", "CASCADE"),
        _fk("challenge_submissions", "status_id", "statuses", "CASCADE"),
        _fk("challenge_submissions", "author_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_submissions")),
        sa.UniqueConstraint(
            "challenge_id",
            "status_id",
            name=op.f("uq_challenge_submissions_challenge_id_status_id"),
        ),
    )
    op.create_index("ix_challenge_submissions_status_id", "challenge_submissions", ["status_id"])
    op.create_index(
        "ix_challenge_submissions_challenge_id_score",
        "challenge_submissions",
        ["challenge_id", "score"],
    )


def _scores() -> None:
    op.create_table(
        "challenge_scores",
        sa.Column("id", ID(), autoincrement=False, nullable=False),
        sa.Column("challenge_id", ID(), nullable=False),
        sa.Column("status_id", ID(), nullable=False),
        sa.Column("judge_user_id", ID(), nullable=False),
        sa.Column("score", ID(), nullable=False),
        sa.Column("scored_at", TIME(timezone=True), nullable=False),
        _fk("challenge_scores", "challenge_id", "challenges", "CASCADE"),
        _fk("challenge_scores", "status_id", "statuses", "CASCADE"),
        _fk("challenge_scores", "judge_user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_scores")),
        sa.UniqueConstraint(
            "challenge_id",
            "status_id",
            "judge_user_id",
            name=op.f("uq_challenge_scores_challenge_id_status_id_judge_user_id"),
        ),
    )


def _surveys() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", ID(), autoincrement=False, nullable=False),
        sa.Column("brand_account_id", ID(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("questions", porina.storage.base.Json, nullable=False),
        sa.Column("secret", sa.LargeBinary(length=32), nullable=False),
        sa.Column("status_id", ID(), nullable=True),
        sa.Column("responses_count", ID(), nullable=False),
        sa.Column("created_by_user_id", ID(), nullable=True),
        sa.Column("created_at", TIME(timezone=True), nullable=False),
        _fk("surveys", "brand_account_id", "accounts", "CASCADE"),
        _fk("surveys", "status_id", "statuses", "SET NULL"),
        _fk("surveys", "created_by_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    op.create_index("ix_surveys_brand_account_id", "surveys", ["brand_account_id"])
    op.create_index("ix_surveys_status_id", "surveys", ["status_id"])


def _answers() -> None:
    op.create_table(
        "survey_participants",
        sa.Column("survey_id", ID(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        _fk("survey_participants", "survey_id", "surveys", "CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "voter_key", name=op.f("pk_survey_participants")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", ID(), autoincrement=False, nullable=False),
        sa.Column("survey_id", ID(), nullable=False),
        sa.Column("account_id", ID(), nullable=True),
        sa.Column("answers", porina.storage.base.Json, nullable=False),
        _fk("survey_responses", "survey_id", "surveys", "CASCADE"),
        _fk("survey_responses", "account_id", "accounts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    op.create_index("ix_survey_responses_survey_id", "survey_responses", ["survey_id"])


def upgrade() -> None:
    _challenges()
    _submissions()
    _scores()
    _surveys()
    _answers()


def downgrade() -> None:
    for table in (
        "survey_responses",
        "survey_participants",
        "surveys",
        "challenge_scores",
        "challenge_submissions",
        "challenges",
    ):
        op.drop_table(table)
