"""Imports every domain's tables so ``Base.metadata`` knows the whole schema (Alembic, tests)."""

from porina.accounts import models as accounts
from porina.groups import models as groups
from porina.interactions import models as interactions
from porina.jobs import models as jobs
from porina.messaging import models as messaging
from porina.posts import models as posts
from porina.storage.base import Base
from porina.timelines import models as timelines

metadata = Base.metadata

__all__ = [
    "accounts",
    "groups",
    "interactions",
    "jobs",
    "messaging",
    "metadata",
    "posts",
    "timelines",
]
