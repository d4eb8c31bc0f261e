"""Names across articles: the compatibility rules that decide whether two names can be the same
entity. Normalized keys are the extract stage's ``name_key``: one definition for both stages."""

from __future__ import annotations

import re

from worker.pipeline.extract.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, name_key, one_edit

__all__ = [
    "is_full_name",
    "name_key",
    "name_variants",
    "person_names_compatible",
    "person_tokens",
    "surname",
]

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# a generation other than the first must be written on both names ("Mark Felt Jr." is the son);
# "Sr." is often dropped, so it may be missing on one side
_GENERATIONS = {"jr", "ii", "iii", "iv"}
_NICKNAME = re.compile(r"""(?<=\s)(?:["“'‘]([^"“”'‘’]+)["”'’]|\(([^()]+)\))(?=\s)""")


# surname particles: "Gaetano Lo Presti" is family name "lo presti", so "Lo Presti" is his short form
_PARTICLES = frozenset({"lo", "la", "le", "de", "di", "da", "della", "der", "von", "du", "dos", "das", "bin", "ibn"})
_INNER_PARTICLES = _PARTICLES | {"van", "del", "al", "el", "ten", "ter"}  # given names when first ("Van", "Al")


def person_tokens(key: str) -> list[str]:
    """Given and family names of a person key, without initials and generational suffixes; a
    particle is one name with the word after it ("lo presti")."""
    words = [t for t in key.split() if len(t) > 1 and t not in _SUFFIXES]
    tokens: list[str] = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        if tokens and tokens[-1].split()[-1] == before and before in (_INNER_PARTICLES if i > 1 else _PARTICLES):
            tokens[-1] += " " + word
        else:
            tokens.append(word)
    return tokens


def surname(key: str) -> str | None:
    tokens = person_tokens(key)
    return tokens[-1] if tokens else None


def is_full_name(key: str) -> bool:
    return len(person_tokens(key)) >= 2


def _generation(key: str) -> set[str]:
    return {t for t in key.split() if t in _GENERATIONS}


def person_names_compatible(a: str, b: str) -> bool:
    """'donald trump' ~ 'donald j trump'; 'w mark felt sr' ~ 'mark felt'; 'trump' ~ 'donald trump'.
    Two full names must agree on the family name, the given name and the generation
    ('mark felt jr' is not 'mark felt')."""
    ta, tb = person_tokens(a), person_tokens(b)
    if not ta or not tb:
        return False
    if len(ta) == 1 or len(tb) == 1:
        short, full = (ta, tb) if len(ta) == 1 else (tb, ta)
        return short[0] in (full[-1], full[0])
    return ta[-1] == tb[-1] and ta[0] == tb[0] and _generation(a) == _generation(b)


# pet forms that are not a prefix of the given name; only read with shared context besides
_PET_FORMS = {
    "katie": {"katherine", "kathryn", "catherine", "kathleen"},
    "kate": {"katherine", "kathryn", "catherine"},
    "kathy": {"katherine", "kathryn", "kathleen"},
    "bill": {"william"}, "billy": {"william"}, "bob": {"robert"}, "bobby": {"robert"},
    "dick": {"richard"}, "jim": {"james"}, "jimmy": {"james"}, "jack": {"john"},
    "peggy": {"margaret"}, "maggie": {"margaret"}, "betty": {"elizabeth"}, "beth": {"elizabeth"},
    "liz": {"elizabeth"}, "lisa": {"elizabeth"}, "sally": {"sarah"}, "ted": {"edward", "theodore"},
    "ned": {"edward"}, "hank": {"henry"}, "chuck": {"charles"}, "peg": {"margaret"},
    "polly": {"mary"}, "molly": {"mary"}, "sandy": {"alexander", "alexandra", "sandra"},
}


def _genders(given: str) -> set[str]:
    return {g for g, names in (("f", FEMALE_FIRST_NAMES), ("m", MALE_FIRST_NAMES)) if given in names}


def given_names_alike(a: str, b: str) -> bool:
    """Two given names that can be one person's: a short form ('fred'/'frederick'), a pet form
    ('katie'/'kathryn') or one letter apart ('jon'/'john', 'heidar'/'heydar')."""
    short, long_ = sorted((a, b), key=len)
    if short == long_ or _genders(short) | _genders(long_) == {"f", "m"}:
        return False
    if len(short) >= 3 and long_.startswith(short):
        return True
    if long_ in _PET_FORMS.get(short, ()) or short in _PET_FORMS.get(long_, ()):
        return True
    # a changed letter only in longer names: "dan" and "don" are two people
    return short[0] == long_[0] and one_edit(short, long_) and len(short) >= (3 if len(long_) > len(short) else 5)


def given_name_shortened(a: str, b: str) -> bool:
    """'fred larue' / 'frederick c larue': same family name, given names alike (a short, pet or
    misspelt form). Weaker than compatibility: the linker asks for shared context besides."""
    ta, tb = person_tokens(a), person_tokens(b)
    if len(ta) < 2 or len(tb) < 2 or ta[-1] != tb[-1] or _generation(a) != _generation(b):
        return False
    return given_names_alike(ta[0], tb[0])


def name_variants(name: str) -> set[str]:
    """Keys a name with a nickname also goes by: 'Luis Gerardo "Jerry" Ortiz' -> 'jerry ortiz',
    'luis gerardo ortiz'."""
    match = _NICKNAME.search(name)
    if not match:
        return set()
    nickname = match.group(1) or match.group(2)
    plain = name_key(name[: match.start()] + " " + name[match.end() :])
    family = surname(plain)
    found = {plain}
    if family and len(nickname.split()) == 1:
        found.add(name_key(f"{nickname} {family}"))
    return {k for k in found if is_full_name(k)}
