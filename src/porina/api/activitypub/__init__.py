"""ActivityPub's HTTP face: actor, collection and object documents (``actors``) and the
inboxes. The documents themselves are built in ``porina.federation``."""
