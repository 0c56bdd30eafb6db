"""The newsletter's public pages (issue 19, points 1 and 6; docs/newsletter.md):

- ``/newsletter/<list id>``: the sign-up form (what subscribers get and how often, the gift,
  the privacy statement's link); ``/newsletter/<list id>/embed`` the same form for an
  ``<iframe>`` on the business's own site (the only newsletter page that may be framed: paths
  ending in ``/embed``, ``web/security.py``). A sign-up needs no session, so its POST is exempt
  from CSRF (a framed form on another site has no first-party cookie); it answers the same for
  any address. ``?source=status:<id>`` (or the referring page) is stored as attribution.
- ``/newsletter/<list id>/privacy``: the list's privacy statement, EN or FI — the list's own,
  else the brand's (``/newsletter/privacy/<username>``, ``web/newsletter_staff_pages.py``),
  else a short default — with a link to the brand's page.
- ``/newsletter/confirm/<token>``: a page with a button; only the button's POST confirms (mail
  scanners open links).
- ``/newsletter/preferences/<token>``: change the name, unsubscribe, download the data as
  JSON, erase it.
- ``/newsletter/unsubscribe/<token>``: GET a page with a button; POST unsubscribes at once —
  also RFC 8058's one-click POST (``List-Unsubscribe=One-Click``, no cookie), so it is exempt
  from CSRF: the token is its authority.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from porina.accounts.models import Account
from porina.core.ids import parse_id
from porina.newsletter import brand_privacy, subscriptions
from porina.newsletter.errors import InvalidSubscription, ListNotFound
from porina.newsletter.models import NewsletterList
from porina.newsletter.texts import consent_text
from porina.web import i18n
from porina.web.common import render
from porina.web.runtime import services

PUBLIC = {"exclude_from_csrf": True}


async def _listing(request: Request[Any, Any, Any], raw: str) -> tuple[NewsletterList, str]:
    list_id = parse_id(raw)
    if list_id is None:
        raise ListNotFound()
    async with services(request).db.read() as session:
        row = await subscriptions.get_list(session, list_id)
        brand = await session.get(Account, row.brand_account_id)
    name = (brand.display_name or brand.username) if brand is not None else ""
    return row, name


def _source(request: Request[Any, Any, Any], given: str | None) -> str | None:
    if given:
        return given
    referrer = request.headers.get("referer", "")
    return urlsplit(referrer).path or None if referrer else None


async def _form(
    request: Request[Any, Any, Any], list_id: str, *, embed: bool, **extra: Any
) -> Template:
    row, brand = await _listing(request, list_id)
    source = _source(request, request.query_params.get("source"))
    return render(
        request,
        "pages/newsletter_embed.html" if embed else "pages/newsletter_signup.html",
        listing=row,
        brand=brand,
        consent=consent_text(row, i18n.current()),
        source=source or "",
        status_code=extra.pop("status_code", 200),
        **extra,
    )


@get("/newsletter/{list_id:str}", name="web:newsletter-signup")
async def signup_page(request: Request[Any, Any, Any], list_id: str) -> Template:
    return await _form(request, list_id, embed=False)


@get("/newsletter/{list_id:str}/embed", name="web:newsletter-embed")
async def embed_page(request: Request[Any, Any, Any], list_id: str) -> Template:
    return await _form(request, list_id, embed=True)


async def _sign_up(request: Request[Any, Any, Any], list_id: str, *, embed: bool) -> Template:
    form = dict(await request.form())
    try:
        data = subscriptions.sign_up(form, i18n.current())
    except InvalidSubscription as error:
        return await _form(request, list_id, embed=embed, error=error, data=form, status_code=422)
    row, _ = await _listing(request, list_id)
    async with services(request).db.transaction() as tx:
        await subscriptions.subscribe(tx, row.id, data)
    template = "pages/newsletter_embed.html" if embed else "pages/newsletter_signup.html"
    return render(request, template, listing=row, done=True, double=row.double_opt_in)


@post("/newsletter/{list_id:str}", status_code=200, opt=PUBLIC)
async def signup(request: Request[Any, Any, Any], list_id: str) -> Template:
    return await _sign_up(request, list_id, embed=False)


@post("/newsletter/{list_id:str}/embed", status_code=200, opt=PUBLIC)
async def signup_embedded(request: Request[Any, Any, Any], list_id: str) -> Template:
    return await _sign_up(request, list_id, embed=True)


@get("/newsletter/{list_id:str}/privacy", name="web:newsletter-privacy")
async def privacy_page(request: Request[Any, Any, Any], list_id: str) -> Template:
    row, brand = await _listing(request, list_id)
    async with services(request).db.read() as session:
        text = await brand_privacy.for_list(session, row, i18n.current())
        owner = await session.get(Account, row.brand_account_id)
    return render(
        request,
        "pages/newsletter_privacy.html",
        listing=row,
        brand=brand,
        text=text,
        brand_url=f"/newsletter/privacy/{owner.username}" if owner and not owner.domain else None,
    )


@get("/newsletter/confirm/{token:str}", name="web:newsletter-confirm")
async def confirm_page(request: Request[Any, Any, Any], token: str) -> Template:
    """Shows the button; confirms nobody."""
    async with services(request).db.read() as session:
        row = await subscriptions.by_token(session, token)
        listing = await subscriptions.get_list(session, row.list_id)
    consent = consent_text(listing, i18n.current())
    return render(
        request,
        "pages/newsletter_confirm.html",
        subscriber=row,
        listing=listing,
        consent=consent,
        token=token,
    )


@post("/newsletter/confirm/{token:str}", status_code=200)
async def confirm(request: Request[Any, Any, Any], token: str) -> Template:
    async with services(request).db.transaction() as tx:
        row = await subscriptions.confirm(tx, token)
        listing = await subscriptions.get_list(tx.session, row.list_id)
    return render(
        request,
        "pages/newsletter_confirm.html",
        subscriber=row,
        listing=listing,
        token=token,
        done=True,
    )


async def _preferences(request: Request[Any, Any, Any], token: str, **extra: Any) -> Template:
    async with services(request).db.read() as session:
        row = await subscriptions.by_token(session, token)
        listing = await subscriptions.get_list(session, row.list_id)
    return render(
        request,
        "pages/newsletter_preferences.html",
        subscriber=row,
        listing=listing,
        token=token,
        **extra,
    )


@get("/newsletter/preferences/{token:str}", name="web:newsletter-preferences")
async def preferences_page(request: Request[Any, Any, Any], token: str) -> Template:
    return await _preferences(request, token)


@post("/newsletter/preferences/{token:str}", status_code=200)
async def save_preferences(request: Request[Any, Any, Any], token: str) -> Template:
    form = dict(await request.form())
    try:
        async with services(request).db.transaction() as tx:
            await subscriptions.update_preferences(tx, token, form)
    except InvalidSubscription as error:
        page = await _preferences(request, token, error=error)
        page.status_code = 422
        return page
    return await _preferences(request, token, saved=True)


@get("/newsletter/preferences/{token:str}/data.json")
async def download_data(request: Request[Any, Any, Any], token: str) -> Response[Any]:
    async with services(request).db.read() as session:
        data = await subscriptions.export(session, token)
    disposition = 'attachment; filename="newsletter-subscription.json"'
    return Response(data, headers={"Content-Disposition": disposition})


@post("/newsletter/preferences/{token:str}/erase", status_code=200)
async def erase(request: Request[Any, Any, Any], token: str) -> Template:
    async with services(request).db.transaction() as tx:
        await subscriptions.erase(tx, token)
    return render(request, "pages/newsletter_done.html", erased=True)


@get("/newsletter/unsubscribe/{token:str}", name="web:newsletter-unsubscribe")
async def unsubscribe_page(request: Request[Any, Any, Any], token: str) -> Template:
    """Asks; changes nothing."""
    async with services(request).db.read() as session:
        row = await subscriptions.by_token(session, token)
        listing = await subscriptions.get_list(session, row.list_id)
    return render(request, "pages/newsletter_unsubscribe.html", listing=listing, token=token)


@post("/newsletter/unsubscribe/{token:str}", status_code=200, opt=PUBLIC)
async def unsubscribe(request: Request[Any, Any, Any], token: str) -> Template | Redirect:
    """The page's button and RFC 8058's one-click POST alike: unsubscribed at once."""
    form = dict(await request.form())
    how = "one_click" if form.get("List-Unsubscribe") == "One-Click" else "page"
    async with services(request).db.transaction() as tx:
        await subscriptions.unsubscribe(tx, token, how)
    return render(request, "pages/newsletter_done.html", erased=False, token=token)


ROUTES = [
    signup_page,
    embed_page,
    signup,
    signup_embedded,
    privacy_page,
    confirm_page,
    confirm,
    preferences_page,
    save_preferences,
    download_data,
    erase,
    unsubscribe_page,
    unsubscribe,
]
