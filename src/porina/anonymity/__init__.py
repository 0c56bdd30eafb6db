"""Taking part anonymously (issue 21, point 2): a reply or a question to a brand posted under
a pseudonym, an account of its own, stable per person and thread, different across threads.

Everything that shows, streams, notifies, searches, counts or federates a post sees the
pseudonym's account as its author, because it is: the status row's ``account_id`` is the
pseudonym's, and its actor, ``created_by_user_id`` and app are left empty. Who wrote it lives
only in ``anonymous_pseudonyms``, read by this package alone (the author's own list, their
deletion, the reply notifications they get, an admin's logged reveal). docs/privacy.md
states the policy.
"""
