"""Web Push (Mastodon's ``/api/v1/push/subscription``): one subscription per access token,
the instance's VAPID key pair, and the durable delivery of each notification to the push
service the subscriber named (RFC 8030, encrypted per RFC 8291, signed per RFC 8292)."""
