"""Awkward and bad input, one class at a time, without services: what parse and the watcher decide."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from worker.pipeline.parse import BadInput, parse_document
from worker.quarantine import db_path, fs_path
from worker.settings import Settings
from worker.watcher import Watcher

BODY = "Council approves the budget\n\nThe mayor said on Tuesday that the café “will stay open,” officials said.\n"


def test_utf16_without_bom_is_text() -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        article = parse_document(BODY.encode(encoding), "a.txt")
        assert (article.encoding, article.title) == (encoding, "Council approves the budget")


def test_latin1_text_stays_latin1() -> None:
    text = "Café owners meet\n\nThe café owner said on Monday the plan was naïve and would fail in the city.\n"
    article = parse_document(text.encode("latin-1"), "b.txt")
    assert article.title == "Café owners meet"
    assert "café owner" in article.text and "naïve" in article.text


def test_cyrillic_legacy_text_is_not_forced_to_cp1252() -> None:
    text = "Президент заявил в понедельник, что переговоры продолжатся на следующей неделе.\n"
    article = parse_document(text.encode("cp1251"), "c.txt")
    assert "Президент" in article.text


@pytest.mark.parametrize("raw", [b"a", b"x\n", "café".encode("latin-1"), b"Hello world"])
def test_fragments_are_not_articles(raw: bytes) -> None:
    with pytest.raises(BadInput, match="not an article: too short"):
        parse_document(raw, "tiny.txt")


def test_csv_is_not_an_article() -> None:
    table = b"id,name,amount\n" + b"".join(b"%d,Smith,%d\n" % (n, n * 7) for n in range(30))
    with pytest.raises(BadInput, match="table"):
        parse_document(table, "export.csv")
    with pytest.raises(BadInput, match="delimited table"):
        parse_document(table, "export.txt")
    prose = b"Budget, schools, roads\n\nThe council said, after a long debate, that it would act.\n\nMore, later."
    assert parse_document(prose, "prose.txt").text


def test_broken_json_file_is_refused() -> None:
    with pytest.raises(BadInput, match="invalid JSON"):
        parse_document(b'{"title": "T", "text": "cut off', "story.json")


def test_html_parses(tmp_path: Path) -> None:
    html = (Path(__file__).parent / "fixtures" / "parse" / "seed000.html").read_bytes()
    assert parse_document(html, "page.html").format == "html"  # trafilatura with lxml_html_clean


def _watcher(tmp_path: Path) -> Watcher:
    return Watcher(Settings(watch_dir=tmp_path / "in", data_dir=tmp_path / "data"))


def test_symlink_loop_is_a_rejected_file_not_an_exception(tmp_path: Path) -> None:
    watcher = _watcher(tmp_path)
    (tmp_path / "in").mkdir()
    a, b = tmp_path / "in" / "a.txt", tmp_path / "in" / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    candidate = watcher.read_candidate(a)
    assert candidate is not None and candidate.error and "symlink loop" in candidate.error
    assert candidate.sha256 == watcher.read_candidate(a).sha256  # type: ignore[union-attr]


def test_non_utf8_name_round_trips_through_the_database_form(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/not \xff utf-8.txt"))
    path.write_bytes(b"x")
    stored = db_path(path)
    stored.encode("utf-8")  # Postgres accepts it
    assert "\\xff" in stored and fs_path(stored) == path
