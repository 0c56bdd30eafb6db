"""Taking part anonymously (issue 21, point 2): a reply, a question to a brand or a group's
discussion (a private or hidden group's too, for its members) posted under a pseudonym, an
account of its own, stable per person and thread, different across threads.

Everything that shows, streams, notifies, searches, counts or federates a post sees the
pseudonym's account as its author, because it is: the status row's ``account_id`` is the
pseudonym's, and its actor, ``created_by_user_id`` and app are left empty. Who wrote it lives
only in ``anonymous_pseudonyms``, read by this package alone (the author's own list and their
data archive's, ``queries.own_posts``, their deletion, the reply notifications they get, an
admin's logged reveal). A pseudonym's account is marked (``accounts.pseudonym``), so the
social graph and groups leave it out of follower counts and member lists without reading
this package's tables. A group's or a brand's ``moderated`` setting holds anonymous posts in
its queue (``anonymous_pending``) for its moderators or staff, who never see the author.
docs/privacy.md states the policy.
"""
