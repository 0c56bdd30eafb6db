"""What a linked page says about itself (``posts/link_details.py``), from its bytes."""

from __future__ import annotations

from porina.posts.link_details import from_html, read_page, with_oembed


def test_a_page_in_latin_1_is_read_by_the_charset_its_meta_declares() -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Päivää, maailma</title></head>'
    found = read_page("https://a.example/", page.encode("latin-1"), "text/html")
    assert found.title == "Päivää, maailma"
    header = read_page(
        "https://a.example/",
        "<title>Hyvää yötä</title>".encode("cp1252"),
        "text/html; charset=windows-1252",
    )
    assert header.title == "Hyvää yötä"


def test_a_twitter_player_is_a_video_card_with_only_an_https_iframe() -> None:
    page = (
        '<head><meta name="twitter:player" content="https://v.example/embed/1?a=1&b=2">'
        '<meta name="twitter:player:width" content="640">'
        '<meta name="twitter:player:height" content="360"><title>Clip</title></head>'
    )
    found = from_html("https://v.example/watch/1", page)
    assert (found.type, found.width, found.height) == ("video", 640, 360)
    assert found.html.startswith('<iframe src="https://v.example/embed/1?a=1&amp;b=2"')
    plain = from_html(
        "https://v.example/watch/1",
        '<head><meta name="twitter:player" content="javascript:alert(1)"><title>x</title></head>',
    )
    assert (plain.type, plain.html) == ("link", "")


def test_relative_images_resolve_and_other_schemes_are_dropped() -> None:
    found = from_html(
        "https://a.example/posts/1",
        '<head><meta property="og:image" content="../img/a.png"><title>t</title></head>',
    )
    assert found.image_url == "https://a.example/img/a.png"
    bad = from_html(
        "https://a.example/",
        '<head><meta property="og:image" content="data:image/png;base64,AA">'
        "<title>t</title></head>",
    )
    assert bad.image_url is None


def test_only_the_head_is_read_and_a_page_without_a_title_has_no_card() -> None:
    page = "<html><head></head><body><title>Not this</title>" + "<p>x</p>" * 1000
    assert not from_html("https://a.example/", page).usable


def test_rich_oembed_is_not_kept_and_a_photo_needs_its_url() -> None:
    base = from_html("https://a.example/", "<head><title>Base</title></head>")
    rich = with_oembed(base, {"type": "rich", "html": "<script></script>"}, "https://a.example/o")
    assert (rich.type, rich.html) == ("link", "")
    no_url = with_oembed(base, {"type": "photo", "title": "P"}, "https://a.example/o")
    assert no_url.type == "link"
    photo = with_oembed(
        base,
        {"type": "photo", "url": "/p.jpg", "width": "800", "height": 600},
        "https://a.example/o",
    )
    assert (photo.type, photo.embed_url, photo.width, photo.height) == (
        "photo",
        "https://a.example/p.jpg",
        800,
        600,
    )
    assert photo.image_url == "https://a.example/p.jpg"
