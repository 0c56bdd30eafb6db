"""The schema registry, part of the composition root: imports every domain's tables so
``Base.metadata`` knows the whole schema (Alembic, tests)."""

from porina.accounts import models as accounts
from porina.accounts import recovery
from porina.accounts import suggestion_models as account_suggestions
from porina.analytics import models as analytics
from porina.anonymity import models as anonymity
from porina.calendar import models as calendar
from porina.calls import models as calls
from porina.campaigns import challenge_models as challenges
from porina.campaigns import models as campaigns
from porina.campaigns import review_models as contest_reviews
from porina.campaigns import survey_models as surveys
from porina.desk import contacts_models as desk_contacts
from porina.desk import metrics_models as desk_metrics
from porina.desk import models as desk
from porina.desk import rules_models as desk_rules
from porina.desk import watches_models as desk_watches
from porina.federation import alias_models as federation_aliases
from porina.federation import domain_models as federation_domains
from porina.federation import key_models as federation_keys
from porina.federation import quote_models as federation_quotes
from porina.groups import models as groups
from porina.interactions import models as interactions
from porina.jobs import models as jobs
from porina.lists import models as lists
from porina.mail import models as mail
from porina.messaging import models as messaging
from porina.moderation import models as moderation
from porina.newsletter import campaigns_models as newsletter_campaigns
from porina.newsletter import models as newsletter
from porina.notifications import models as notifications
from porina.notifications.push import models as web_push
from porina.posts import card_models as post_cards
from porina.posts import featured_models as featured_tags
from porina.posts import models as posts
from porina.privacy import models as privacy
from porina.storage.base import Base
from porina.timelines import models as timelines

metadata = Base.metadata

__all__ = [
    "account_suggestions",
    "accounts",
    "analytics",
    "anonymity",
    "calendar",
    "calls",
    "campaigns",
    "challenges",
    "contest_reviews",
    "desk",
    "desk_contacts",
    "desk_metrics",
    "desk_rules",
    "desk_watches",
    "featured_tags",
    "federation_aliases",
    "federation_domains",
    "federation_keys",
    "federation_quotes",
    "groups",
    "interactions",
    "jobs",
    "lists",
    "mail",
    "messaging",
    "metadata",
    "moderation",
    "newsletter",
    "newsletter_campaigns",
    "notifications",
    "post_cards",
    "posts",
    "privacy",
    "recovery",
    "surveys",
    "timelines",
    "web_push",
]
