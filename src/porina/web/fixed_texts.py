"""A post's fixed texts, translated once per language: ``T["Reply"]`` in a template.

``{{ _("Reply") }}`` goes through Jinja's i18n extension on every use (a context call, the
catalog's lookup, a ``Markup`` and a ``%`` with no values: about 17 us); a post shows about
twenty such texts, a page forty posts. ``T`` (a template global) looks each up once per
language and hands back the same ``Markup`` as ``_()`` would: ``T["Reply"]`` for a text,
``T["%(name)s boosted"] % {"name": name}`` for one with values (``Markup`` escapes them, as
``_()`` does). The texts are listed in ``MSGIDS`` so that ``make messages`` extracts them
(tests/web/test_fixed_texts.py checks that every ``T[...]`` in the templates is listed).
"""

from __future__ import annotations

from markupsafe import Markup

from porina.web import i18n
from porina.web.i18n import N_

MSGIDS = (
    N_("%(name)s boosted"),
    N_("by %(name)s"),
    N_("Members of %(group)s"),
    N_("Public"),
    N_("Quiet public"),
    N_("Followers"),
    N_("Mentioned people only"),
    N_("In reply to a post"),
    N_("Content warning:"),
    N_("Link preview"),
    N_("The quoted post is not available."),
    N_("Report to the group's moderators"),
    N_("Reply"),
    N_("Undo boost"),
    N_("Boost"),
    N_("Unlike"),
    N_("Like"),
    N_("Remove bookmark"),
    N_("Bookmark"),
    N_("Quote"),
    N_("Share"),
    N_("Copy link"),
    N_("Share via…"),
    N_("Mute %(name)s…"),
    N_("Block %(name)s…"),
    N_("Embed"),
)

_BY_LOCALE: dict[str, dict[str, Markup]] = {}


class Texts:
    """``T[msgid]``: the msgid in this request's language, as ``_(msgid)`` gives it."""

    def __getitem__(self, msgid: str) -> Markup:
        code = i18n.current()
        known = _BY_LOCALE.get(code)
        if known is None:
            known = _BY_LOCALE.setdefault(code, {})
        found = known.get(msgid)
        if found is None:
            found = known[msgid] = Markup(i18n.translations(code).ugettext(msgid))
        return found


T = Texts()
