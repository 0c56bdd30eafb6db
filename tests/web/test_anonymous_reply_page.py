"""The reply composer's "Reply anonymously" (issue 21, point 2): the same form, posted to
``/anonymous/compose``, replies under a pseudonym; refusals are a page in the reader's
language."""

from __future__ import annotations

from typing import Any

from tests.factories import Factory

from .conftest import text_of


async def test_a_reply_from_the_page_is_posted_under_a_pseudonym(
    make: Factory, signed_in: Any
) -> None:
    bob = await make.person("bob")
    alice = await make.person("alice", locale="fi")
    post = await bob.status("Mikä pulla on paras?")
    browser = await signed_in(alice)
    page = await browser.get(f"/@bob/{post['id']}")
    assert page.status_code == 200
    assert 'formaction="/anonymous/compose"' in page.text
    assert "Vastaa nimettömästi" in text_of(page.text)
    sent = await browser.post(
        "/anonymous/compose", {"status": "Korvapuusti", "in_reply_to_id": post["id"]}
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/statuses/{post['id']}#focus"
    thread = (await bob.get(f"/api/v1/statuses/{post['id']}/context")).json()
    [reply] = thread["descendants"]
    assert reply["account"]["id"] != alice.id
    assert reply["account"]["display_name"].startswith("Anonymous ")

    private = await bob.status("Vain seuraajille", visibility="private")
    await alice.follow(bob)
    page = await browser.get(f"/@bob/{private['id']}")
    assert 'formaction="/anonymous/compose"' not in page.text
    refused = await browser.post(
        "/anonymous/compose", {"status": "x", "in_reply_to_id": private["id"]}
    )
    assert refused.status_code == 422
    assert "Nimettömästi voi vastata vain" in text_of(refused.text)
