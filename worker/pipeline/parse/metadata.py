"""Metadata read from the text itself: bylines, wires, outlets, datelines, bios, contributors, language."""

from __future__ import annotations

import re

# wire services: canonical name by the ways they are written
WIRES: dict[str, str] = {
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "upi": "UPI",
    "united press international": "UPI",
    "dpa": "dpa",
    "efe": "EFE",
    "ansa": "ANSA",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo",
    "kyodo news": "Kyodo",
    "tass": "TASS",
    "pa": "PA",
    "press association": "PA",
    "cnn wire": "CNN Wire",
    "bloomberg": "Bloomberg",
}
# wires that, named alone in a byline, make the article a wire story
_WIRE_RX = r"(?:AP|Associated Press|The Associated Press|Reuters|Thomson Reuters|AFP|Agence France[- ]Presse|UPI|United Press International|dpa|EFE|ANSA|Xinhua|Kyodo(?: News)?|TASS)"  # noqa: E501
OUTLETS = [
    "The New York Times",
    "New York Times",
    "The Washington Post",
    "Washington Post",
    "The Wall Street Journal",
    "Wall Street Journal",
    "Bloomberg News",
    "Bloomberg",
    "Reuters",
    "Associated Press",
    "The Associated Press",
    "The Guardian",
    "BBC News",
    "BBC",
    "CNN",
    "NPR",
    "Politico",
    "POLITICO",
    "USA Today",
    "USA TODAY",
    "The Hill",
    "Los Angeles Times",
    "The Times",
    "Financial Times",
    "The Economist",
    "Axios",
    "Fox News",
    "NBC News",
    "CBS News",
    "ABC News",
    "Al Jazeera",
    "The Atlantic",
    "Breitbart News",
    "Breitbart",
    "HuffPost",
    "The Huffington Post",
    "Huffington Post",
    "Western Journal",
    "The Western Journal",
    "South China Morning Post",
    "Nikkei Asia",
    "The Independent",
    "The Telegraph",
    "Time",
    "Newsweek",
    "Vox",
    "Agence France-Presse",
    "AFP",
    "UPI",
    "CNBC",
    "MSNBC",
    "The Daily Beast",
    "Business Insider",
    "Forbes",
    "Yahoo News",
    "Daily Mail",
]
_OUTLET_RX = "|".join(re.escape(o) for o in sorted(OUTLETS, key=len, reverse=True))

_NAME = r"(?:[A-Z][\w'’.-]*\.?(?:\s+(?:de|da|van|von|der|del|la|le|bin|al|di)\b)?(?:\s+[A-Z][\w'’.-]*){1,3})"
_NAME_RX = re.compile(_NAME)
BYLINE = re.compile(r"^\s*(?:by|written by|story by|words by)\s*[:|]?\s+(?P<rest>.+)$", re.I)
_AND = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|,\s*|\s*;\s*)\s*")
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
    r"(?:,\s*(?:[A-Z][a-zA-Z.]+\.?(?:\s+[A-Z][a-zA-Z.]+)?))?)"
    r"(?:,\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<wire>[A-Za-z][\w .-]{1,30})\))?(?:\s*(?:—|–)\s*|\s*(?:--|-|:)\s+)(?=\S)"
)
_KICKERS = {
    "EXCLUSIVE",
    "BREAKING",
    "WATCH",
    "UPDATE",
    "UPDATED",
    "OPINION",
    "ANALYSIS",
    "LIVE",
    "VIDEO",
    "PHOTOS",
    "REVIEW",
    "EDITORIAL",
    "COMMENTARY",
    "EXCERPT",
    "ADVERTISEMENT",
    "CORRECTION",
    "NOTE",
    "FACT CHECK",
    "UPDATE 1",
    "UPDATE 2",
    "EXCLUSIVE VIDEO",
    "AUDIO",
    "POLL",
    "REPORT",
    "FLASHBACK",
    "LISTEN",
    "Q&A",
}
_MIXED_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:,\s*[A-Z][a-zA-Z.]+)?)\s*\((?P<wire>"
    + _WIRE_RX
    + r")\)\s*(?:—|–|--|-)\s*"
)
CONTRIB = re.compile(
    r"^(?P<names>.+?)\s+(?:contributed|also contributed|contributed reporting|"
    r"contributed to this (?:report|article|story))"
    r"(?:\s+(?:reporting|research|to this (?:report|article|story)))?(?:\s+from\s+[^.]+)?\.?$"
)
BIO = re.compile(
    r"^(?P<name>" + _NAME + r")\s+(?:is|was|covers|reports|writes|has (?:been|covered|reported)|joined|edits|leads)\b"
    r".{0,400}?\b(?:for|at|of|joined)\s+(?P<outlet>" + _OUTLET_RX + r"|[A-Z][\w.]+(?:\s+[A-Z][\w.]+){0,3})\b"
)
TITLE_SUFFIX = re.compile(
    r"^(?P<title>.{8,}?)\s+(?:[-|–—•:]|::)\s+(?P<outlet>" + _OUTLET_RX + r"|[A-Z][\w.&'’]*(?:\s+[A-Z][\w.&'’]*){0,4})$"
)
_END_CREDIT = re.compile(
    r"(?:^|[\s(—–-])(?:(?:Reporting|Writing|Editing|Additional reporting) by [^)]*\)?$|"
    r"(?:©|Copyright|\(c\))\s*(?:\d{4}\s*)?"
    r"(?P<copy>[A-Z][\w .&-]+?)\.?(?:\s+All rights reserved\.?)?$)"
)
_WIRE_TAIL = re.compile(r"(?:^|\s)(?:[-—–]\s*|\()(?P<wire>" + _WIRE_RX + r")\)?\.?$")


def wire_name(text: str) -> str | None:
    return WIRES.get(text.strip().strip(".").lower())


def split_names(text: str, strict: bool = False) -> list[str]:
    """ "Ana Swanson, Alan Rappeport and Edward Wong" -> three names; titles after a comma are dropped."""
    text = re.sub(r"\s*\|.*$", "", text).strip(" .,;")
    out: list[str] = []
    for part in _AND.split(text):
        part = part.strip(" .")
        if not part:
            continue
        m = _NAME_RX.fullmatch(part)
        if m and len(part.split()) <= 5 and part.split()[0] not in _NOT_NAME_START:
            out.append(part)
        elif strict:
            return []
    return out


_NOT_NAME_START = set(
    "The A An This That These Those Although While When After Before Since If As In On At For From With Without "
    "But And Or So Yet He She It They We I You His Her Its Their Our My Your Mr. Ms. Mrs. Dr. Some Many Most "
    "Every Each Both All No Not Only Even Just Then There Here What Which Who Why How Where Last Next Meanwhile "
    "However Still Also Indeed Instead Because Though Unlike Like During Despite Under Over Until".split()
)


def parse_byline(line: str) -> tuple[list[str], str | None, str | None] | None:
    """(authors, outlet, wire) from "By X and Y, Outlet"; None if the line is no byline."""
    m = BYLINE.match(line)
    if not m or len(line) > 200:
        return None
    rest = m["rest"].strip()
    outlet = None
    wire = None
    om = re.search(r"(?:,|\||\s[-—–]|\s)\s*(?P<o>" + _OUTLET_RX + r"|" + _WIRE_RX + r")\s*$", rest)
    if om and om.start() > 0:
        outlet = om["o"]
        rest = rest[: om.start()]
    elif wire_name(rest):
        return [], None, wire_name(rest)
    else:
        rest = re.sub(r",\s*(?:[a-z].*|(?:Staff|Senior|Chief|Special)\b.*)$", "", rest)
    if outlet:
        wire = wire_name(outlet) if wire_name(outlet) not in (None, "Bloomberg") else None
    names = split_names(rest, strict=True)
    if not names:
        return None
    return names, outlet, wire


def find_dateline(paragraph: str) -> tuple[str, str | None] | None:
    """(place, wire) for "WASHINGTON (AP) — ..." or "BEIJING, Feb. 8 (UPI) -- ..."; None otherwise."""
    m = DATELINE.match(paragraph)
    if m:
        place = m["place"].strip()
        letters = re.sub(r"[^A-Za-z]", "", place.split(",")[0])
        if place.upper() in _KICKERS:
            return None
        if len(letters) >= 2 and letters.isupper() and len(place) <= 40 and not _is_acronym_sentence(paragraph, m):
            return place, wire_name(m["wire"]) if m["wire"] else None
    m = _MIXED_DATELINE.match(paragraph)
    if m:
        return m["place"], wire_name(m["wire"])
    return None


def _is_acronym_sentence(paragraph: str, m: re.Match[str]) -> bool:
    # "NATO: allies agree" or "FBI - the bureau" are not datelines: a colon needs a wire, a lone short acronym too
    sep = paragraph[m.end() - 2 : m.end()]
    return ":" in sep and not m["wire"]


def wire_from_credit(line: str) -> str | None:
    """Wire named by a closing credit: "(Reporting by ...; Editing by ...)" is Reuters' house style."""
    if re.search(r"\(Reporting by .*(?:Editing|Writing) by .*\)$", line):
        return "Reuters"
    m = _WIRE_TAIL.search(line)
    if m and len(line) < 300:
        return wire_name(m["wire"])
    m = re.search(r"(?:©|Copyright|\(c\))\s*(?:\d{4}\s*)?(?P<w>" + _WIRE_RX + r")\b", line)
    if m:
        return wire_name(m["w"])
    return None


def is_end_credit(line: str) -> bool:
    return bool(_END_CREDIT.search(line)) and len(line) < 300


def parse_contributors(line: str) -> list[str] | None:
    m = CONTRIB.match(line)
    if not m or len(line) > 300:
        return None
    names = m["names"]
    names = re.sub(r"^(?:Additional reporting by|Reporting was contributed by)\s+", "", names)
    out = split_names(names)
    return out or None


def parse_bio(paragraph: str) -> tuple[str, str | None] | None:
    """(name, outlet) from "Ana Swanson covers trade ... for The Times and is based in Washington."""
    if len(paragraph) > 600:
        return None
    m = BIO.match(paragraph)
    if not m:
        return None
    name = m["name"]
    if name.split()[0] in _NOT_NAME_START or len(name.split()) > 4:
        return None
    outlet = m["outlet"] if re.fullmatch(_OUTLET_RX, m["outlet"]) else None
    return name, outlet


def split_title_suffix(title: str) -> tuple[str, str | None]:
    """ "Xi Presses Trump ... - The New York Times" -> (title, outlet); the suffix must look like a name."""
    m = TITLE_SUFFIX.match(title)
    if not m:
        return title, None
    outlet = m["outlet"]
    known = re.fullmatch(_OUTLET_RX, outlet) is not None or wire_name(outlet) is not None
    words = outlet.split()
    sep = title[m.end("title") : m.start("outlet")].strip()
    domain = re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|co\.uk|news|io|de|fr)", outlet, re.I) is not None
    looks = len(words) <= 4 and (known or domain or (sep in ("|", "::") and all(w[0].isupper() for w in words)))
    # a "Trump: Title Case" prefix is no suffix: require the title part to be longer than the suffix
    if (
        not looks
        or len(m["title"]) < len(outlet) * 1.5
        or (":" in title[m.end("title") : m.start("outlet")] and not known)
    ):
        return title, None
    return m["title"].strip(), outlet


STOPWORDS: dict[str, set[str]] = {
    "en": set(
        "the of and to in a is that for it on with as was by at be this are from have has an not but or "
        "said were which his her their they he she we who will would".split()
    ),
    "es": set("el la de que y en los las del se por un una con para es al lo como más pero sus le ya o fue ha".split()),
    "fr": set("le la les de des et en un une du que qui dans pour pas sur au est il elle ne se par plus avec".split()),
    "de": set(
        "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an werden aus "
        "er hat dass sie nach bei".split()
    ),
    "it": set("il di che e la per un in è del non una con le si da sono gli al della nel alla ha".split()),
    "pt": set(
        "o a de que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das".split()
    ),
    "nl": set("de het een en van in is dat op te zijn voor met die niet aan er om ook als bij door maar".split()),
}


_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_language(text: str) -> str:
    """ISO 639-1 code by stopword ratio; "und" when too short or no language stands out."""
    sample = text[:5_000]
    letters = len(_LETTER.findall(sample))
    if letters < 20:
        return "und"
    latin = len(_LATIN.findall(sample))
    if latin < 0.5 * letters:
        return _script_language(sample)
    words = re.findall(r"[^\W\d_]+", sample.lower())
    if len(words) < 3:
        return "und"
    scores = {lang: sum(w in sw for w in words) / len(words) for lang, sw in STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= 0.08 or (best > 0 and len(words) < 15) else "und"


def _script_language(sample: str) -> str:
    counts = {"zh": 0, "ja": 0, "ko": 0, "ru": 0, "ar": 0, "el": 0, "he": 0, "hi": 0}
    for ch in sample:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF:
            counts["ja"] += 1
        elif 0x4E00 <= o <= 0x9FFF:
            counts["zh"] += 1
        elif 0xAC00 <= o <= 0xD7AF:
            counts["ko"] += 1
        elif 0x0400 <= o <= 0x04FF:
            counts["ru"] += 1
        elif 0x0600 <= o <= 0x06FF:
            counts["ar"] += 1
        elif 0x0370 <= o <= 0x03FF:
            counts["el"] += 1
        elif 0x0590 <= o <= 0x05FF:
            counts["he"] += 1
        elif 0x0900 <= o <= 0x097F:
            counts["hi"] += 1
    if counts["ja"] > 0.05 * sum(counts.values()):
        return "ja"
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    return lang if n else "und"
