"""The read API: the app, its error handling, and its routers. Every list is paginated
(limit, offset) and reports its total; /changes is a cursor over everything that changed."""

from __future__ import annotations

from fastapi import FastAPI

from api import articles, changes, errors, links, metrics

app = FastAPI(
    title="wirewatch",
    version="0.2.0",
    description="Read API over ingested news articles, quotes, entities and stories. See docs/api.md.",
)
errors.install(app)
app.include_router(articles.router, responses=errors.UNAVAILABLE)
app.include_router(links.router, responses=errors.UNAVAILABLE)
app.include_router(changes.router, responses=errors.UNAVAILABLE)
app.include_router(metrics.router)  # Prometheus /metrics, not part of the OpenAPI schema
