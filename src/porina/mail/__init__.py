"""Outgoing mail: an outbox table, a durable ``mail.send`` job, SMTP delivery and DKIM.

``outbox.queue(tx, draft)`` is the one way to send: the message row and its job commit with the
action that wanted the mail, so a rolled-back action sends nothing and a committed one survives
SMTP being down or a restart (see docs/mail.md).
"""
