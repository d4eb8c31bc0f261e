"""The person scorer of eval/link_eval.py: which gold mentions hold a name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "eval" / "link_eval.py"
_spec = importlib.util.spec_from_file_location("link_eval", _SCRIPT)
assert _spec is not None and _spec.loader is not None
link_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(link_eval)

LOWERCASE = {"man", "people", "three", "accused", "lawyer"}


@pytest.mark.parametrize(
    ("text", "initial", "expected"),
    [
        ("A MAN", False, False),  # "A MAN has been charged": capitals of a common noun
        ("THREE PEOPLE", False, False),
        ("ACCUSED", True, False),
        ("GARY ROSS", True, True),  # a name in capitals is still a name
        ("NYPD", False, True),
        ("Lawyer", True, False),  # a common noun opening a sentence
        ("Lawyer", False, True),
        ("W. Mark Felt", False, True),
    ],
)
def test_is_named(text: str, initial: bool, expected: bool) -> None:
    assert link_eval.is_named(text, initial, LOWERCASE) is expected
