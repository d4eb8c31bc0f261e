"""Scorer v5's referent for a pronoun Source (eval/pronoun_referent.py), on small hand-made brat articles.

Each case is one v4 got wrong in the hand-labelled sample (eval/labels/): v4 takes the nearest earlier
Source with a capital; v5 must take the true referent, and v4 stays selectable.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))

from extract_score import speaker_correct
from polnear import Gold, load_gold
from pronoun_referent import is_plural, name_run, relative_referent


def _article(tmp_path: Path, text: str, relations: list[tuple[str, str, str]]) -> Path:
    """Write one article; ``relations`` are (source, cue, content) strings found in the text as whole
    words ("she@2": the second occurrence)."""
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    lines = []
    n = 0

    def span(label: str, needle: str) -> str:
        nonlocal n
        words, _, nth = needle.partition("@")
        found = list(re.finditer(r"(?<!\w)" + re.escape(words) + r"(?!\w)", text))
        at = found[int(nth or 1) - 1].start()
        n += 1
        lines.append(f"T{n}\t{label} {at} {at + len(words)}\t{words}")
        return f"T{n}"

    for i, (source, cue, content) in enumerate(relations, 1):
        s, c, q = span("Source", source), span("Cue", cue), span("Content", content)
        lines.append(f"E{i}\tAttribution Source:{s} Cue:{c} Content:{q}")
    (tmp_path / "attributions" / "a_x.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _pronoun_gold(data: Path, scorer: str) -> Gold:
    (article,) = load_gold(data, scorer=scorer)
    return next(g for g in article.gold if g.source in ("he", "she", "He", "She", "who"))


def _right(data: Path, true_name: str) -> tuple[bool, bool]:
    return tuple(speaker_correct(true_name, _pronoun_gold(data, v)) for v in ("v4", "v5"))  # type: ignore[return-value]


def test_plural_source_is_skipped_for_he(tmp_path: Path) -> None:
    text = (
        'Tad Devine said, "The contest will be decided by the delegates."\n\n'
        "Devine acknowledged that it will be hard, something Sanders aides argue is possible.\n\n"
        '"Yes, we must stipulate that," he said.'
    )
    data = _article(
        tmp_path,
        text,
        [
            ("Tad Devine", "said", '"The contest will be decided by the delegates."'),
            ("Sanders aides", "argue", "is possible"),
            ("he", "said", '"Yes, we must stipulate that,"'),
        ],
    )
    assert _right(data, "Tad Devine") == (False, True)


def test_gender_stated_in_the_article_skips_the_other_person(tmp_path: Path) -> None:
    text = (
        "Clinton said she would win the state. Trump said he would win it.\n\n"
        'Following Trump, Clinton spoke again. "I did not put down conditions," she said.'
    )
    data = _article(
        tmp_path,
        text,
        [
            ("Clinton", "said", "she would win the state"),
            ("Trump", "said", "he would win it"),
            ("she@2", "said@3", '"I did not put down conditions,"'),
        ],
    )
    assert _right(data, "Hillary Clinton") == (False, True)


def test_shared_surname_takes_only_what_is_said_of_that_person(tmp_path: Path) -> None:
    # "Mrs. Clinton" is female, but Bill Clinton is someone else with the same surname
    text = (
        "Polls show Hillary Clinton ahead. Mrs. Clinton will hold her lead, Joe Madison said.\n\n"
        'Former President Bill Clinton agreed. "Iowa happened," he said.'
    )
    data = _article(
        tmp_path,
        text,
        [
            ("Joe Madison", "said", "Mrs. Clinton will hold her lead"),
            ("Former President Bill Clinton", "agreed", "agreed"),
            ("he", "said", '"Iowa happened,"'),
        ],
    )
    assert _right(data, "Bill Clinton") == (True, True)


def test_relative_pronoun_takes_the_name_before_the_comma(tmp_path: Path) -> None:
    text = (
        'Former secretary of State Clinton said "it is a good deal" once.\n\n'
        'Contrast that with Trump, who has called the pact "insanity."'
    )
    data = _article(
        tmp_path,
        text,
        [
            ("Former secretary of State Clinton", "said", '"it is a good deal"'),
            ("who", "has called", 'the pact "insanity."'),
        ],
    )
    assert _right(data, "Donald Trump") == (False, True)


@pytest.mark.parametrize(
    ("before", "name"),
    [
        ("fodder to GOP candidates such as Sen. Marco Rubio of Florida,", "Sen. Marco Rubio"),
        ("Cruz scored his first endorsement from Mike Lee,", "Mike Lee"),
        ("a damning reaction from U.S. President Barack Obama,", "U.S. President Barack Obama"),
        ("the judge because of his Mexican heritage,", None),
        ("an endorsement from the Senate,", "Senate"),
        ("the rhetoric of her new Iowa ad,", None),
        ("Trump said nothing", None),
    ],
)
def test_relative_referent(before: str, name: str | None) -> None:
    text = before + " who said it."
    assert relative_referent(text, len(before) + 1, "who") == name


@pytest.mark.parametrize(
    ("source", "run", "plural"),
    [
        ("Clinton campaign chairman John Podesta", "John Podesta", False),
        ("Sanders aides", None, True),
        ("Edwards and others", None, True),
        ("Most of Delaware’s top Democratic brass including Gov. Jack Markell and Sens. Tom Carper", None, True),
        ("Republican pollster Whit Ayres -- author of 2016 and Beyond", "Whit Ayres", False),
        ("Tad Devine, Sanders's chief strategist,", "Tad Devine", False),
        ("the Vermont senator", None, False),
        ("Trump spokesman Hope Hicks", "Hope Hicks", False),
    ],
)
def test_name_run_and_plural(source: str, run: str | None, plural: bool) -> None:
    assert name_run(source) == run
    assert is_plural(source) is plural
