"""The composer in a real browser (issue 15, item 3): the home page's side-column composer with
one "Add media" button, two photos with alt text and the prompt when it is missing, a pasted
image, a content warning; the live count against the server's (500 counted characters with a
long URL and a mention are accepted, 501 refused) and a poll, in Finnish at 360 px; the "New
post" dialog from a profile page (Esc closes it, the draft survives a reload)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from porina.posts import html
from tests.browser.test_journey import assert_fits, shoot, t
from tests.browser.test_layout import join, picture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

POST_URL = re.compile(r".*/@\w+/\d+$")


def png(colour: tuple[int, int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PASTE = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const files = new DataTransfer();
  files.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
  const event = new ClipboardEvent(
    "paste", { clipboardData: files, bubbles: true, cancelable: true });
  document.querySelector(selector).dispatchEvent(event);
}"""

DROP = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const files = new DataTransfer();
  files.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
  const target = document.querySelector(selector);
  for (const type of ["dragover", "drop"]) {
    target.dispatchEvent(
      new DragEvent(type, { dataTransfer: files, bubbles: true, cancelable: true }));
  }
}"""


def test_side_column_composer_posts_two_described_photos(new_page: Any, tmp_path: Path) -> None:
    page = new_page(width=1280, height=900)
    join(page, "en", "kuvaaja", "Kuvaaja")
    page.goto("/home")
    form = page.locator("#compose-quick")
    form.locator("textarea[name=status]").fill("Two photos from the pier")
    with page.expect_file_chooser() as chooser:
        form.get_by_role("button", name="Add photos or a video").click()
    chooser.value.set_files(
        [str(picture(tmp_path, "red", (200, 40, 40))), str(picture(tmp_path, "sea", (40, 60, 200)))]
    )
    thumbs = form.locator(".media-slot.filled")
    assert thumbs.count() == 2
    first_alt = form.locator("#compose-quick-media-1-alt")
    assert first_alt.evaluate("el => document.activeElement === el")
    prompt = form.locator("#compose-quick-media-1-hint")
    assert prompt.is_visible()
    assert prompt.inner_text() == "Add a description so everyone can enjoy it"
    first_alt.fill("A red boat")
    assert not prompt.is_visible()
    assert form.locator("#compose-quick-media-2-hint").is_visible()  # a prompt, not a block
    form.locator("#compose-quick-media-2-alt").fill("A blue sea")

    page.evaluate(PASTE, ["#compose-quick-text", png((20, 160, 60))])
    assert thumbs.count() == 3
    assert form.locator("#compose-quick-media-3-hint").is_visible()
    form.get_by_role("button", name="Remove file 3").click()
    assert thumbs.count() == 2
    page.evaluate(DROP, ["#compose-quick", png((90, 90, 90))])  # dropped onto the form
    assert thumbs.count() == 3
    form.get_by_role("button", name="Remove file 3").click()
    assert thumbs.count() == 2

    form.locator("details.cw > summary").click()
    form.locator("#compose-quick-cw").fill("Boats")
    assert form.locator("[data-compose-count]").inner_text() == str(500 - len("Boats") - 24)
    shoot(page, "en-composer-side-column")
    form.get_by_role("button", name="Publish").click()
    page.wait_for_url(POST_URL)
    assert page.get_by_text("Boats").first.is_visible()
    page.locator(".status summary, .status button.cw-toggle").first.click()
    alts = [img.get_attribute("alt") for img in page.locator(".media img").all()]
    assert alts == ["A red boat", "A blue sea"]


def counted_text(mention: str, total: int) -> str:
    head = f"@{mention} katso https://example.com/{'polku/' * 40}?q=1 "
    text = head + "a" * (total - html.length(head))
    assert html.length(text) == total and len(text) > total + 200
    return text


def test_counter_counts_as_the_server_and_a_poll_in_finnish(new_page: Any, console: Any) -> None:
    page = new_page(width=360, height=780)
    join(page, "fi", "laskija", "Laskija")
    page.goto("/compose")
    samples = [
        "Hei @laskija@example.org https://a.fi/x).",
        "👍🏽 e\u0301 #tagi@x http://b.c/(d)",
        "\u0131@\u0130 @x_y.z",
    ]
    counted = page.evaluate(
        "async (texts) => { const m = await import('/static/compose.js');"
        " return texts.map((x) => m.length(x)); }",
        samples,
    )
    assert counted == [html.length(x) for x in samples]

    box = page.get_by_label(t("fi", "What's on your mind?"))
    counter = page.locator("#compose-new [data-compose-count]")
    box.fill(counted_text("laskija", 501))
    assert counter.inner_text() == "-1"
    page.get_by_role("button", name=t("fi", "Publish")).click()
    page.wait_for_load_state()
    assert page.locator("#compose-new-error").is_visible()  # refused: the page's error
    assert not POST_URL.match(page.url)
    # The refusal is a 422 page, which Chromium logs; nothing else may be.
    console.errors[:] = [e for e in console.errors if not ("422" in e and "/compose" in e)]

    box = page.get_by_label(t("fi", "What's on your mind?"))
    box.fill(counted_text("laskija", 500))
    assert counter.inner_text() == "0"
    page.get_by_role("button", name=t("fi", "Publish")).click()
    page.wait_for_url(POST_URL)

    page.goto("/compose")
    page.get_by_label(t("fi", "What's on your mind?")).fill("Kahvia vai teetä?")
    page.locator("details.poll-editor > summary").click()
    page.locator("#compose-new-poll-0").fill("Kahvia")
    page.locator("#compose-new-poll-1").fill("Teetä")
    page.locator("#compose-new-poll-expires").select_option("3600")
    page.locator("#compose-new-poll-multiple").check()
    page.locator("#compose-new-visibility").select_option("unlisted")
    assert page.locator("#compose-new [data-visibility-icon=unlisted]").is_visible()
    assert_fits(page, "/compose")
    shoot(page, "fi-composer-phone")
    page.get_by_role("button", name=t("fi", "Publish")).click()
    page.wait_for_url(POST_URL)
    poll = page.locator(".poll").first
    assert "Kahvia" in poll.inner_text() and "Teetä" in poll.inner_text()


def test_new_post_dialog_from_a_profile_keeps_its_draft(new_page: Any) -> None:
    page = new_page(width=360, height=780)
    join(page, "en", "dialogi", "Dialogi")
    page.goto("/@dialogi")
    page.locator(".tabbar a.tab-new").click()
    dialog = page.locator("dialog.compose-dialog[aria-labelledby='compose-dialog-heading']")
    dialog.wait_for()
    text = dialog.locator("#compose-dialog-text")
    assert text.evaluate("el => document.activeElement === el")
    text.fill("Written in the dialog")
    for _ in range(25):  # focus stays in the modal dialog
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.url.endswith("/@dialogi")

    page.reload()
    page.locator(".tabbar a.tab-new").click()
    dialog.wait_for()
    assert dialog.locator("#compose-dialog-text").input_value() == "Written in the dialog"
    assert_fits(page, "/@dialogi (dialog)")
    shoot(page, "en-composer-dialog-phone")
    dialog.get_by_role("button", name="Publish").click()
    page.wait_for_url(POST_URL)
    assert page.get_by_text("Written in the dialog").first.is_visible()
    assert page.evaluate("sessionStorage.getItem('porina-draft')") is None
