"""Operations of the vendored OpenAPI description (Mastodon 4.7) that Porina does not answer as
Mastodon does, each with the reason: ``"METHOD /path"`` (the description's spelling) -> reason.
``test_openapi_walk`` fails on any other operation that answers 404 for a missing route or 405.
"""

from __future__ import annotations

COLLECTIONS = (
    "collections (Mastodon 4.7's featured collections, an experimental API Mastodon ships "
    "behind a feature flag) are not a Porina feature"
)
ANNUAL = "annual reports (Mastodon's yearly Wrapstodon) are not a Porina feature"

LEFT_OUT: dict[str, str] = {
    "GET /api/v1/accounts/{account_id}/collections": COLLECTIONS,
    "GET /api/v1/accounts/{account_id}/in_collections": COLLECTIONS,
    "POST /api/v1/collections": COLLECTIONS,
    "POST /api/v1/collections/{collection_id}/items": COLLECTIONS,
    "DELETE /api/v1/collections/{collection_id}/items/{id}": COLLECTIONS,
    "POST /api/v1/collections/{collection_id}/items/{id}/revoke": COLLECTIONS,
    "GET /api/v1/collections/{id}": COLLECTIONS,
    "PATCH /api/v1/collections/{id}": COLLECTIONS,
    "DELETE /api/v1/collections/{id}": COLLECTIONS,
    "GET /api/v1/annual_reports": ANNUAL,
    "GET /api/v1/annual_reports/{year}": ANNUAL,
    "POST /api/v1/annual_reports/{year}/generate": ANNUAL,
    "POST /api/v1/annual_reports/{year}/read": ANNUAL,
    "GET /api/v1/annual_reports/{year}/state": ANNUAL,
    "GET /api/v1_alpha/async_refreshes/{id}": (
        "async refreshes report on Mastodon's background fetches of remote replies and "
        "annual reports; Porina does neither in the background"
    ),
}
