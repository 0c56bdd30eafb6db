"""Run Alembic migrations programmatically (``porina migrate``, tests, ``make run``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # the option is read through ConfigParser's interpolation: a URL's percent-escapes (a
    # password's, a unix socket's ``?host=%2Fvar%2Frun%2Fpostgresql``) must be doubled
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str, rev_id: str) -> None:
    """Autogenerate a migration named ``<rev_id>_<message>`` from the models."""
    command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)
