"""What both front ends show: the Mastodon entities, their rendering from domain rows, the
per-process status cache, pages of statuses rendered for one viewer, and the Protocol of the
running system the front ends are given. Imports domain packages only; never api/ or web/."""
