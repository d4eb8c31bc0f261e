"""The parse stage on the five seeds, on HTML/JSON/e-mail renderings of them, and on hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED_FILES
from worker.pipeline.parse import BadInput, ParsedArticle, parse_document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parse"


def seed(prefix: str) -> ParsedArticle:
    path = next(p for p in SEED_FILES if p.name.startswith(f"{prefix}_"))
    return parse_document(path.read_bytes(), path.name)


def fixture(name: str) -> ParsedArticle:
    return parse_document((FIXTURES / name).read_bytes(), name)


def removed(art: ParsedArticle, reason: str) -> list[str]:
    return [r.text for r in art.removed if r.reason == reason]


def check_blocks(art: ParsedArticle) -> None:
    assert art.blocks, "no blocks"
    for b in art.blocks:
        assert art.text[b.start : b.end] == b.text
    assert art.text == "\n\n".join(b.text for b in art.blocks)


def test_seed_000_date_byline_outlet_dateline_heading() -> None:
    art = seed("000")
    check_blocks(art)
    assert art.title is None
    assert art.published == "2025-11-24" and not art.published_inferred
    assert art.authors == ["Josh Wingrove"]
    assert art.outlet == "Bloomberg News"
    assert art.wire is None
    assert art.dateline == "WASHINGTON"
    assert "date 2025-11-24" not in art.text and "By Josh Wingrove" not in art.text
    assert [b.text for b in art.blocks if b.kind == "heading"] == ["Trade Terms"]
    assert art.paragraphs[0].text.startswith("WASHINGTON – President Donald Trump and Chinese President Xi Jinping")
    assert art.paragraphs[-1].text.endswith("they’ll be doing a lot of soybean purchase.”")
    assert "\n\n\n" not in art.text
    assert art.language == "en"


def test_seed_001_deck_glued_to_date_and_reuters_caption() -> None:
    art = seed("001")
    check_blocks(art)
    assert art.published == "2025-11-25"
    assert art.title is None
    assert art.subtitle and art.subtitle.startswith("Chinese President Xi Jinping spoke by phone")
    assert art.subtitle.endswith("Xinhua.")
    captions = removed(art, "photo-caption")
    assert len(captions) == 1 and captions[0].endswith("(REUTERS)")
    assert "(REUTERS)" not in art.text
    assert art.outlet is None and art.wire is None  # a photo credit alone is neither
    assert removed(art, "related-link") == ["Earlier: Trump Weighing Advanced Nvidia Chip Sales to China, Lutnick Says"]
    assert "Earlier:" not in art.text
    assert art.paragraphs[0].text.startswith("Xi told Trump that the return of Taiwan")
    assert art.paragraphs[-1].text.endswith("He will decide whether we go forward with that or not.”")


def test_seed_002_title_headings_single_newlines_undated() -> None:
    art = seed("002")
    check_blocks(art)
    assert art.title == "Trump and Xi discuss Taiwan, trade, and Ukraine in phone call"
    assert not art.text.startswith(art.title)
    # "Monday, November 24" with no year written: unknown. (This used to take a year from the
    # text, which dates a 2008 obituary naming 1947 to 1947; issue 10.)
    assert art.published is None and "published" not in art.sources
    headings = [b.text for b in art.blocks if b.kind == "heading"]
    assert headings == [
        "Taiwan at the center of the conversation",
        "Japan-China crisis",
        "Trade relations maintain fragile stability",
        "Planned state visits for 2026",
        "Ukraine peace efforts",
    ]
    assert art.paragraphs[0].text.startswith("President Donald Trump and Chinese President Xi Jinping spoke by phone")
    assert art.paragraphs[0].text.endswith("agricultural trade.")
    assert art.paragraphs[-1].text.endswith("could continue past that date.")
    # quoted one-line paragraphs are paragraphs, not headings
    assert any(p.text.startswith("“My best guess") for p in art.paragraphs)
    assert art.authors == [] and art.outlet is None


def test_seed_003_forwarded_google_groups_nyt() -> None:
    art = seed("003")
    check_blocks(art)
    assert art.title == "Xi Presses Trump on Taiwan as They Agree to Meet in China in April"
    assert art.outlet == "The New York Times" and art.sources["outlet"] == "title-suffix"
    assert art.authors == ["Ana Swanson", "Alan Rappeport", "Edward Wong"]
    assert "Key Wu" not in art.authors and art.forwarded_by == "Key Wu"
    assert "Haiyun Jiang" not in art.authors and "Kenny Holston" not in art.authors
    assert art.contributors == ["Kevin Draper", "Zolan Kanno-Youngs"]
    assert art.published == "2025-11-24"  # not the forwarding date (Nov 25)
    assert len(art.corrections) == 1 and "Busan, South Korea, not Seoul" in art.corrections[0]
    chrome = removed(art, "email-chrome")
    for s in (
        "4 views",
        "Skip to first unread message",
        "unread,",
        "to",
        "Reply all",
        "Reply to author",
        "Forward",
        "0 new messages",
        "Key Wu",
    ):
        assert s in chrome
    for s in ("4 views", "Skip to first unread", "Reply to author", "0 new messages", "(5 days ago)"):
        assert s not in art.text
    assert len(removed(art, "photo-caption")) == 3 and len(removed(art, "image-alt")) == 3
    assert "Haiyun Jiang/The New York Times" not in art.text and "Kenny Holston" not in art.text
    assert "shaking hands" not in art.text
    assert len(removed(art, "author-bio")) == 3 and "covers trade" not in art.text
    assert "contributed reporting" not in art.text and "correction was made" not in art.text
    assert art.text.count("Xi Presses Trump on Taiwan") == 0
    assert art.paragraphs[0].text.startswith("President Trump said on Monday that he had accepted an invitation")
    assert art.paragraphs[-1].text.endswith("He will decide whether we go forward with that or not.”")
    assert art.subtitle and art.subtitle.startswith("In an unusual move")


def test_seed_004_no_title_straight_quotes_kept() -> None:
    art = seed("004")
    check_blocks(art)
    assert art.title is None
    assert art.paragraphs[0].text.startswith(
        "President Donald Trump and Chinese President Xi Jinping held a phone call"
    )
    assert '"an integral part of the post-war international order"' in art.text
    assert len(art.paragraphs) == 5
    assert art.published is None and art.authors == []
    assert art.paragraphs[-1].text.endswith("interest in Ukraine peace talks.")


def test_curly_quotes_and_apostrophes_survive() -> None:
    art = seed("000")
    assert "Russia’s invasion" in art.text and "“very good”" in art.text


# ---- other containers ---------------------------------------------------------------------------------------
def test_html_rendering_of_seed_000() -> None:
    art = fixture("seed000.html")
    check_blocks(art)
    assert art.format == "html"
    assert art.title == "Trump, Xi Hold First Talks Since Trade Truce, Discuss Taiwan"
    assert art.published == "2025-11-24T14:05:00-05:00" and art.sources["published"] == "html-meta"
    assert art.authors == ["Josh Wingrove"]
    assert art.outlet == "Bloomberg"
    assert art.dateline == "WASHINGTON"
    for junk in ("Most Read", "Share on Facebook", "newsletter", "All Rights Reserved", "Markets"):
        assert junk not in art.text
    assert art.paragraphs[0].text.startswith("WASHINGTON – President Donald Trump")
    assert art.paragraphs[-1].text.endswith("soybean purchase.”")
    assert art.text.count(art.title) == 0


def test_json_newsplease_rendering_of_seed_002() -> None:
    art = fixture("seed002_newsplease.json")
    check_blocks(art)
    assert art.format == "json"
    assert art.title == "Trump and Xi discuss Taiwan, trade, and Ukraine in phone call"
    assert art.published == "2025-11-24T18:30:00" and not art.published_inferred
    assert art.authors == ["Jane Roe"]
    assert art.outlet == "example-news.org"
    assert art.subtitle and art.subtitle.startswith("The first call since the Busan summit")
    assert "Japan-China crisis" in [b.text for b in art.blocks if b.kind == "heading"]


def test_json_shapes_and_field_names() -> None:
    raw = (
        b'[{"headline": "Cats win", "body": "First paragraph here.\\n\\nSecond one.", "byline": "By Ann Lee and Bo Li",'
    )
    raw += b' "publisher": {"name": "Daily Paper"}, "datePublished": "2024-03-05T10:00:00Z"}]'
    art = parse_document(raw, "x.json")
    assert (art.title, art.authors, art.outlet) == ("Cats win", ["Ann Lee", "Bo Li"], "Daily Paper")
    assert art.published == "2024-03-05T10:00:00+00:00"
    assert [p.text for p in art.paragraphs] == ["First paragraph here.", "Second one."]
    with pytest.raises(BadInput, match="no article object"):
        parse_document(b'{"title": "only a title", "url": "http://x"}', "x.json")


def test_eml_forwarded_article() -> None:
    art = fixture("seed003_forwarded.eml")
    check_blocks(art)
    assert art.format == "eml"
    assert art.title == "Xi Presses Trump on Taiwan as They Agree to Meet in China in April"
    assert art.authors == ["Ana Swanson", "Alan Rappeport", "Edward Wong"]
    assert art.forwarded_by == "Key Wu" and "Key Wu" not in art.authors
    assert art.published is not None and art.published.startswith("2025-11-24")  # the original, not the forward
    assert art.contributors == ["Kevin Draper", "Zolan Kanno-Youngs"]
    assert art.corrections
    for junk in ("Forwarded message", "Worth a read", "Google Groups", "unsubscribe", "nytdirect"):
        assert junk not in art.text
    assert art.paragraphs[0].text.startswith("In an unusual move")
    assert art.paragraphs[-1].text.endswith("whether we go forward with that or not.”")


def test_markdown() -> None:
    raw = "# Big Headline\n\nBy Ann Lee\n\nFirst **bold** paragraph with a [link](http://x).\n\n## Section\n\nMore.\n"
    art = parse_document(raw.encode(), "a.md")
    assert art.format == "md" and art.title == "Big Headline" and art.authors == ["Ann Lee"]
    assert [b.kind for b in art.blocks] == ["paragraph", "heading", "paragraph"]
    assert art.paragraphs[0].text == "First bold paragraph with a link."


def test_lying_extension_is_sniffed() -> None:
    html = (FIXTURES / "seed000.html").read_bytes()
    assert parse_document(html, "article.txt").format == "html"
    assert parse_document(b'{"title": "T", "text": "Body text here."}', "story.txt").format == "json"


def test_wire_dateline() -> None:
    raw = "Senate passes bill\n\nWASHINGTON (AP) — The Senate on Tuesday passed the bill.\n\nMore text follows here."
    art = parse_document(raw.encode(), "a.txt")
    assert (art.title, art.dateline, art.wire) == ("Senate passes bill", "WASHINGTON", "AP")
    raw2 = "BEIJING, Nov. 24 (Reuters) - China said on Monday it would respond.\n\nSecond paragraph."
    art2 = parse_document(raw2.encode(), "b.txt")
    assert (art2.dateline, art2.wire) == ("BEIJING", "Reuters")


def test_non_english_gets_a_code() -> None:
    raw = "El presidente de la república dijo que el gobierno no va a cambiar la ley por ahora, según los medios."
    assert parse_document(raw.encode(), "es.txt").language == "es"
    assert parse_document("北京 — 中国外交部周一表示，双方将继续保持沟通。".encode(), "zh.txt").language in ("zh", "ja")


# ---- hostile input ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  \t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "ZIP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_bad_input(raw: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_document(raw, "file.txt")


def test_huge_file_is_refused_quickly() -> None:
    raw = ("All work and no play makes Jack a dull boy. " * 40 + "\n\n").encode() * 12_000  # ~21 MB
    with pytest.raises(BadInput, match="too large"):
        parse_document(raw, "big.txt")


def test_large_but_allowed_file_parses() -> None:
    para = "The committee met on Tuesday and said it would publish a report next week, officials said. " * 5
    raw = ("Title of a long report\n\n" + "\n\n".join([para] * 2000)).encode()  # ~1 MB
    art = parse_document(raw, "long.txt")
    assert len(art.paragraphs) == 2000


def test_cp1252_and_mixed_encodings_decode() -> None:
    cp = "Headline here\n\n“Quoted,” she said — it’s café time.\n\nAnother paragraph.".encode("cp1252")
    art = parse_document(cp, "a.txt")
    assert "“Quoted,” she said — it’s café time." in art.text
    mixed = "Caf\u00e9 one line in UTF-8 is here.\n".encode() + "Na\u00efve second line in cp1252 — ok.\n".encode(
        "cp1252"
    )
    art2 = parse_document(mixed, "m.txt")
    assert "Café one line" in art2.text and "Naïve second line" in art2.text and "—" in art2.text
    moji = "It\u00e2\u20ac\u2122s a \u00e2\u20ac\u0153test\u00e2\u20ac\u009d of the repair.".encode()
    assert "It’s a “test” of the repair." in parse_document(moji, "j.txt").text


def test_one_line_file() -> None:
    art = parse_document(b"Just one line of text without anything else", "one.txt")
    check_blocks(art)
    assert art.title is None and art.text == "Just one line of text without anything else"


def test_only_boilerplate_is_bad_input() -> None:
    raw = b"4 views\nSkip to first unread message\n\nReply all\nReply to author\nForward\n0 new messages\n"
    with pytest.raises(BadInput, match="boilerplate"):
        parse_document(raw, "chrome.txt")


def test_garbage_never_crashes_with_other_errors() -> None:
    import random

    rng = random.Random(7)
    samples = [
        b"{",
        b"[1,2,3]",
        b"<html><body></body></html>",
        b"From: a\nTo: b\nSubject: c\n\n",
        b"\xff\xfe\x00",
        b"date 2025-99-99 By",
        b"By",
        b"\n\n\n.",
        b"WASHINGTON (AP) \xe2\x80\x94",
    ]
    samples += [bytes(rng.randrange(32, 127) for _ in range(rng.randrange(1, 400))) for _ in range(100)]
    samples += [bytes(rng.randrange(0, 256) for _ in range(rng.randrange(1, 400))) for _ in range(100)]
    for raw in samples:
        for name in ("x.txt", "x.json", "x.html", "x.eml", "x.md", "x"):
            try:
                art = parse_document(raw, name)
            except BadInput:
                continue
            check_blocks(art) if art.blocks else None


def test_wire_story_with_footer_credits_and_updated_time() -> None:
    art = fixture("wire_story.txt")
    check_blocks(art)
    assert art.title == "China Warns U.S. Over Taiwan Arms Sale"
    assert (art.outlet, art.wire, art.dateline) == ("Reuters", "Reuters", "BEIJING")
    assert art.authors == ["Jane Doe", "John Smith"]
    assert art.published == "2025-11-24T17:30-05:00"  # time zone kept
    assert removed(art, "related-link") == ["Read more: China sanctions U.S. firms"]
    assert removed(art, "photo-caption") and "Ann Wang" not in art.text
    assert "(Reporting by" not in art.text
    for junk in ("Share this article", "newsletter", "All rights reserved"):
        assert junk not in art.text
    assert [p.text for p in art.paragraphs][-1] == "The ministry did not give details."


def test_sentence_starting_with_by_is_no_byline() -> None:
    raw = (
        "Sanders bets on a long race\n\n"
        "By looking beyond the contests in New Hampshire, Nevada and South Carolina, the camp is investing.\n\n"
        "More text here."
    )
    art = parse_document(raw.encode(), "a.txt")
    assert art.authors == []
    assert art.paragraphs[0].text.startswith("By looking beyond")


def test_closing_sentence_about_a_quoted_person_is_not_a_bio() -> None:
    raw = (
        "Professor warns on tariffs\n\n"
        "Tariffs will raise prices, said Jane Miller, an economist.\n\n"
        "Jane Miller is a professor of economics at Yale University."
    )
    art = parse_document(raw.encode(), "a.txt")
    assert art.authors == []
    assert art.paragraphs[-1].text == "Jane Miller is a professor of economics at Yale University."


def test_weekday_date_without_a_written_year_stays_undated() -> None:
    # years the text mentions are not the year it was written (was: inferred 2024, issue 10)
    raw = "Summit ends\n\nThe leaders met on Tuesday, March 5, ahead of the 2024 elections.\n\nMore text."
    art = parse_document(raw.encode(), "a.txt")
    assert art.published is None and not art.published_inferred


def test_ap_uppercase_byline_and_photo_credit_not_outlet() -> None:
    raw = (
        "Storm hits coast\n\nBy JOHN DOE Associated Press\n\n"
        "MIAMI (AP) — A storm hit the coast on Monday.\n\n"
        "A house is flooded in Miami. (AP Photo/Lynne Sladky)\n\nOfficials urged caution."
    )
    art = parse_document(raw.encode(), "a.txt")
    assert art.authors == ["JOHN DOE"] and art.wire == "AP" and art.dateline == "MIAMI"
    assert "AP Photo" not in art.text and removed(art, "photo-caption")


def test_same_html_twice_gives_the_same_result() -> None:
    # the parse must be pure: no cache across calls may drop a page it has seen before
    first = fixture("seed000.html")
    second = fixture("seed000.html")
    assert first.text == second.text and first.text


def test_hard_wrapped_mail_text_is_rejoined() -> None:
    raw = (
        "Officials meet in Geneva\n\n"
        "Negotiators from both sides met in Geneva on Sunday to discuss the\n"
        "terms of a proposed settlement, according to two people familiar\n"
        "with the talks, who spoke on condition of anonymity.\n\n"
        "A second round is planned.\n"
    )
    art = parse_document(raw.encode(), "wrapped.txt")
    assert len(art.paragraphs) == 2
    assert art.paragraphs[0].text.startswith("Negotiators from both sides met in Geneva on Sunday to discuss the terms")


def test_deeply_nested_input_is_bad_input_not_a_crash() -> None:
    with pytest.raises(BadInput):
        parse_document(b"[" * 100_000 + b"]" * 100_000, "deep.json")
    art_or_error: object
    try:
        art_or_error = parse_document(b"<div>" * 20_000 + b"text" + b"</div>" * 20_000, "deep.html")
    except BadInput as exc:
        art_or_error = exc
    assert art_or_error is not None


def test_byline_with_published_and_updated_dates() -> None:
    art = fixture("byline_published_updated.txt")
    assert art.title == "Fed holds rates steady, signals patience"
    assert art.authors == ["Ann Lee"]
    assert art.published == "2025-11-24T09:00"  # the publication, not the update
    assert art.outlet == "The Washington Post" and art.sources["outlet"] == "bio"
    assert removed(art, "author-bio") and "is a reporter for" not in art.text
    assert art.paragraphs[-1].text == "Chair Jerome Powell said the committee would be patient."


def test_posted_on_by_header_related_and_follow_lines() -> None:
    art = fixture("blog_posted_by.txt")
    assert (art.title, art.published, art.authors) == ("Local council approves new budget", "2025-11-03", ["Tom Green"])
    assert removed(art, "related-link") == ["Related: Council rejects tax hike"]
    assert "Follow us" not in art.text and "Weekly digest" not in art.text
    assert '"responsible."' in art.text


def test_embedded_post_markup_in_plain_text_is_dropped_and_its_text_kept() -> None:
    raw = (
        "Mayor defends bridge repairs\n\n"
        "The mayor answered her critics on Friday, a day after the bridge was closed to traffic again.\n\n"
        '<post id="5512" author="@CityDesk" datetime="2019-04-12\n">The bridge will reopen within a month, '
        "the mayor says.</post>.\n\n"
        "Engineers expect to finish the inspection next week, officials said.\n"
    )
    art = parse_document(raw.encode(), "embed.txt")
    assert "<post" not in art.text and "</post>" not in art.text and "datetime" not in art.text
    assert "The bridge will reopen within a month, the mayor says.." in art.text
    assert removed(art, "markup") == ['<post id="5512" author="@CityDesk" datetime="2019-04-12 ">']


def test_stamp_line_above_the_headline_is_the_date_not_the_title() -> None:
    # a BBC-style page: the "last updated" stamp opens the file and the headline follows it
    stamp = "3 March 2021 Last updated at 08:42 GMT"
    raw = (
        f"{stamp}\n\nFlood barrier gives way in riverside town\n\n"
        "Residents of a riverside town were moved from their homes overnight after a barrier gave way.\n\n"
        "The council said repairs would take several weeks.\n"
    )
    art = parse_document(raw.encode(), "stamp.txt")
    check_blocks(art)
    assert art.title == "Flood barrier gives way in riverside town"
    assert (art.published, art.sources["published"]) == ("2021-03-03T08:42+00:00", "stamp")
    assert removed(art, "date-stamp") == [stamp]
    assert "Last updated" not in art.text and "Flood barrier" not in art.text
    assert art.paragraphs[0].text.startswith("Residents of a riverside town")


def test_stamp_line_under_the_headline_keeps_the_headline_and_its_zone() -> None:
    # an ABC-style page: headline, then "Updated <weekday> <date>, <time> <Australian zone>"
    raw = (
        "Ferry strike halts harbour crossings\n\n"
        "Updated Fri 12 March 2021, 7:15pm AEDT\n\n"
        "Commuters queued for buses on Friday after ferry crews walked off the job over rosters.\n\n"
        "The union said talks would resume next week.\n"
    )
    art = parse_document(raw.encode(), "stamp.txt")
    assert art.title == "Ferry strike halts harbour crossings"
    assert art.published == "2021-03-12T19:15+11:00"
    assert removed(art, "date-stamp") == ["Updated Fri 12 March 2021, 7:15pm AEDT"]
    assert "AEDT" not in art.text and art.subtitle is None


def test_posted_and_updated_stamps_give_the_posting_and_no_title() -> None:
    # the clock times after a slash date are part of the stamp, never a headline or a deck
    raw = (
        "Posted 4/2/2019 6:05 AM\n\nUpdated 4/2/2019 2:30 PM\n\n"
        "Bridge reopens after repairs\n\n"
        "Traffic returned to the old bridge on Tuesday after eight months of work.\n\n"
        "Engineers will inspect it again in the spring.\n"
    )
    art = parse_document(raw.encode(), "stamp.txt")
    assert (art.title, art.subtitle) == ("Bridge reopens after repairs", None)
    assert art.published == "2019-04-02T06:05"
    assert len(removed(art, "date-stamp")) == 2 and "Updated" not in art.text
