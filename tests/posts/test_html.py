from __future__ import annotations

from porina.posts import html

BASE = "https://social.example"
BOB = html.Profile(1, "bob", "bob", f"{BASE}/@bob")
REMOTE = html.Profile(2, "carol", "carol@other.example", "https://other.example/@carol")
PROFILES = {("bob", None): BOB, ("carol", "other.example"): REMOTE}


def render(text: str) -> html.Formatted:
    return html.render(text, base_url=BASE, local_domain="social.example", profiles=PROFILES)


def test_markup_in_text_is_escaped() -> None:
    out = render('<script>alert("x")</script> <b onclick=1>bold</b> & more')
    assert out.html == (
        '<p>&lt;script&gt;alert("x")&lt;/script&gt; &lt;b onclick=1&gt;bold&lt;/b&gt; '
        "&amp; more</p>"
    )


def test_blank_lines_make_paragraphs_and_newlines_make_breaks() -> None:
    assert render("one\ntwo\n\nthree").html == "<p>one<br>two</p><p>three</p>"
    assert render("a\r\n\r\n\r\nb").html == "<p>a</p><p>b</p>"


def test_long_urls_are_linked_and_shortened_for_display() -> None:
    url = "https://www.example.com/" + "p" * 40
    out = render(f"see {url}.")
    assert f'<a href="{url}" target="_blank" rel="nofollow noopener noreferrer"' in out.html
    assert '<span class="invisible">https://www.</span>' in out.html
    assert '<span class="ellipsis">example.com/' + "p" * 18 + "</span>" in out.html
    assert out.html.endswith("</a>.</p>")


def test_javascript_urls_are_not_linked() -> None:
    out = render("javascript:alert(1)")
    assert "<a" not in out.html


def test_mentions_resolve_local_and_remote_accounts_and_leave_unknown_ones_as_text() -> None:
    out = render("@bob @BOB@social.example @carol@other.example @nobody @dave@else.example")
    assert out.html.count('class="u-url mention"') == 3
    assert (
        '<a href="https://other.example/@carol" class="u-url mention">@<span>carol</span>'
        in out.html
    )
    assert "@nobody" in out.html and "@dave@else.example" in out.html
    assert out.mentions == [BOB, REMOTE]


def test_email_addresses_are_not_mentions() -> None:
    assert render("mail bob@social.example").mentions == []


def test_hashtags_link_to_the_tag_page_and_are_extracted_once() -> None:
    out = render("#Cats and #cats, not #123 nor a#b; #café")
    assert (
        f'<a href="{BASE}/tags/Cats" class="mention hashtag" rel="tag">#<span>Cats</span></a>'
        in out.html
    )
    assert out.tags == ["Cats", "café"]
    assert "#123" in out.html


def test_url_fragments_are_not_hashtags() -> None:
    out = render("https://example.com/page#section")
    assert out.tags == []


def test_length_counts_urls_as_23_and_remote_mentions_by_username() -> None:
    assert html.length("https://example.com/" + "x" * 100) == 23
    assert html.length("@carol@other.example") == len("@carol")
    assert html.length("hi", "cw") == 4


def test_length_counts_code_points_not_grapheme_clusters() -> None:
    assert html.length("👍🏽") == 2
    assert html.length("🇫🇷") == 2
    assert html.length("👨‍👩‍👧") == 5
    assert html.length("e\u0301") == 2
    assert html.length("e" + "\u0301" * 400_000) == 400_001
