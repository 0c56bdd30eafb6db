"""Lists: hand-picked groups of followed accounts, each with its own timeline."""
