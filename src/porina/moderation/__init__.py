"""Reports and what moderators do with them."""
