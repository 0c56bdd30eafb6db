"""Deleting a post asks first: the post page's delete button opens a question, and only the
question's own button posts the delete (issue 15, item 7)."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import Factory


async def test_delete_post_asks_before_deleting(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    post = await alice.status("a post to regret")
    page = await (await signed_in(alice)).get(f"/@alice/{post['id']}")
    assert page.status_code == 200
    confirm = re.search(r'<details class="confirm-inline">(.*?)</details>', page.text, re.S)
    assert confirm is not None
    step = confirm.group(1)
    assert step.index("<summary") < step.index("Delete this post? This cannot be undone.")
    assert step.index("This cannot be undone.") < step.index(f"/web/statuses/{post['id']}/delete")
    assert page.text.count(f"/web/statuses/{post['id']}/delete") == 1
