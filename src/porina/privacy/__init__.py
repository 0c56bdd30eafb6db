"""A person's own data: an archive of it to download (``archive``), and deleting their
account (``deletion``)."""
