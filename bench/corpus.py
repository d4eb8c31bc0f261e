"""A synthetic news corpus for the link benchmark: ParsedArticle + Extraction built directly,
without spaCy, so 20,000 articles take seconds to generate.

Deterministic for a seed. The stream is in publication order (like a live feed):
- people (~3,000 full names with roles; surnames drawn Zipf-like, so some are shared), organizations,
  places, groups; a few dozen "hot" entities (United States, Congress...) mentioned everywhere;
- stories: a start day, 1-4 days long, 3-8 key entities, 2-5 quotes by its people; 5-15 articles
  from different outlets (plus ~10% one-off articles); ~150 articles a day in all;
- articles: 8-20 paragraphs of templated sentences mixing the story's entities (full name first,
  then "Mr. X" or "X"), incidental entities, filler, and the story's quotes (verbatim, as fragments,
  or with a word or two changed);
- ~3% syndicated near-copies: an earlier article of the last days re-rendered with small edits.
Entity mentions, quotes, speakers and cues carry exact offsets into the article text."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from worker.pipeline.extract import Entity, Extraction, Mention, Quote
from worker.pipeline.extract.model import QuoteKind
from worker.pipeline.parse import Block, ParsedArticle

# ---------------------------------------------------------------------------------------------
# word pools

FIRST_M = """James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew Anthony Mark
Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond
Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian
Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel
Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis Hiroshi
Kenji Olaf Lars Mehmet Ahmed Omar Ivan Dmitri Sergei Pierre Jean Luca Marco Diego Carlos Rafael Wei Jun Rahul
Arjun Kwame Chidi Tomasz Piotr Jan Emmanuel Volodymyr Recep Narendra Xi Fumio Rishi Olaf Pedro Javier""".split()
FIRST_F = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret
Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura
Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel
Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan
Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice
Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie
Brittany Charlotte Marie Kayla Alexis Lori Sanae Yuki Ingrid Astrid Fatima Aisha Olga Natalia Sofia Giulia Lucia
Ana Mei Li Priya Ananya Ngozi Amara Agnieszka Ursula Kamala Giorgia Claudia Ursula Annalena Jacinda""".split()
SURNAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris
Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel
Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson
Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley
Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins
Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Takaichi Ishiba Kishida Scholz
Merz Macron Meloni Sanchez Modi Erdogan Lula Milei Starmer Sunak Albanese Trudeau Carney Zelensky Putin Lavrov
Yermak Orban Tusk Fico Rutte Stoltenberg Guterres Lagarde Powell Yellen Bessent Lutnick Rubio Vance Hegseth
Schumer Thune Jeffries Pelosi McConnell Newsom DeSantis Abbott Hochul Whitmer Shapiro Kemp Youngkin Polis""".split()
SYLLABLES = """ka ren to mi sa lo ve dra nik or an el ba sti mor vel ta qui ron des ul fa go ber lin
tas ko ra vi zen har mu pel dor cas tri en so mar gu lev ost wik fen bra ham sel""".split()
HONORIFIC = {"m": "Mr.", "f": "Ms."}
ROLES = """Commerce Secretary|Treasury Secretary|Secretary of State|Defense Secretary|Attorney General|senator
|representative|governor|mayor|prime minister|foreign minister|finance minister|interior minister|spokesman
|spokeswoman|chief executive|chairman|chairwoman|president|vice president|economist|analyst|professor|lawyer
|prosecutor|judge|general|ambassador|union leader|campaign manager|chief of staff|researcher|director
|police chief|fire chief|party leader|opposition leader|central bank governor|health minister
|energy minister""".replace("\n", "").split("|")
ORG_HEADS = """Ministry of|Department of|Office of|Institute for|Center for|Council on|Commission on|Bureau of
|Agency for|Foundation for""".replace("\n", "").split("|")
DOMAINS = """Finance|Defense|Health|Energy|Trade|Justice|Labor|Transport|Education|Agriculture|Housing
|Commerce|Environment|Foreign Affairs|Interior|Security|Technology|Culture|Fisheries|Water|Climate
|Statistics|Migration|Tourism|Aviation|Infrastructure|Digital Affairs|Public Works""".replace("\n", "").split("|")
ORG_SUFFIXES = """Holdings|Group|Industries|Partners|Capital|Energy|Motors|Bank|Airlines|Pharmaceuticals
|Technologies|Systems|Foods|Logistics|Media|Telecom|Mining|Steel|Insurance|Labs""".replace("\n", "").split("|")
REAL_PLACES = """Washington|New York|London|Paris|Berlin|Tokyo|Beijing|Moscow|Kyiv|Brussels|Geneva|Rome|Madrid
|Ottawa|Canberra|New Delhi|Mumbai|Seoul|Taipei|Jakarta|Manila|Hanoi|Bangkok|Cairo|Nairobi|Lagos|Johannesburg
|Sao Paulo|Buenos Aires|Mexico City|Bogota|Lima|Santiago|Caracas|Havana|Toronto|Chicago|Los Angeles|Houston
|Miami|Atlanta|Boston|Seattle|Denver|Phoenix|Dallas|Detroit|Philadelphia|San Francisco|Texas|California|Florida
|Ohio|Michigan|Pennsylvania|Georgia|Arizona|Nevada|Wisconsin|Ukraine|Russia|China|Japan|Germany|France|Italy
|Spain|Poland|Hungary|Turkey|Israel|Iran|Iraq|Syria|Gaza|Lebanon|Egypt|India|Pakistan|Brazil|Argentina
|Venezuela|Canada|Mexico|Australia|Taiwan|Crimea|Donetsk|Kharkiv|Odesa|Sudan|Ethiopia|Nigeria|Kenya
|South Africa|Saudi Arabia|Qatar|Yemen""".replace("\n", "").split("|")
GROUPS = """Democrats|Republicans|Ukrainians|Russians|Europeans|Americans|Chinese|Japanese|Germans|French
|Israelis|Palestinians|Iranians|Conservatives|Liberals|Socialists|Greens|Catholics|Muslims|Evangelicals
|Labour|Tories|Kurds|Britons|Mexicans|Canadians|Indians|Brazilians""".replace("\n", "").split("|")
HOT = [
    ("United States", "place"),
    ("Washington", "place"),
    ("White House", "organization"),
    ("Congress", "organization"),
    ("Senate", "organization"),
    ("European Union", "organization"),
    ("United Nations", "organization"),
    ("China", "place"),
    ("Russia", "place"),
    ("Ukraine", "place"),
    ("Democrats", "group"),
    ("Republicans", "group"),
    ("Pentagon", "organization"),
    ("NATO", "organization"),
    ("Federal Reserve", "organization"),
    ("Supreme Court", "organization"),
    ("Americans", "group"),
    ("New York", "place"),
    ("London", "place"),
    ("Beijing", "place"),
    ("Moscow", "place"),
    ("Kyiv", "place"),
    ("Brussels", "place"),
    ("State Department", "organization"),
    ("Justice Department", "organization"),
    ("House", "organization"),
    ("Israel", "place"),
    ("Gaza", "place"),
    ("Iran", "place"),
    ("Europe", "place"),
    ("Texas", "place"),
    ("California", "place"),
    ("World Bank", "organization"),
    ("International Monetary Fund", "organization"),
    ("Associated Press", "organization"),
    ("Reuters", "organization"),
]
OUTLETS = """Daily Ledger|Morning Courier|Evening Standard-Times|Metro Herald|National Observer|Capitol Wire
|Harbor Gazette|Valley Tribune|Northern Star|Coastal Post|Prairie Register|Lakeside Journal|City Bulletin
|Global Dispatch|The Sentinel|The Monitor|Union Record|Citizen Voice|Pacific Review|Atlantic Examiner|Frontier Press
|Summit Daily|Riverside Chronicle|Bay Times|Mountain News|Inland Reporter|Free Press|Public Ledger
|Common Wealth|Times-Union""".replace("\n", "").split("|")

NOUNS = """government plan deal talks vote budget economy market prices inflation tariffs sanctions election
campaign policy law bill court ruling case investigation report agreement ceasefire attack strike war troops
border migrants workers union wages jobs company shares profits losses investors bank rates debt taxes spending
program project reform crisis support opposition protest police officials leaders voters families residents
students schools hospitals patients doctors health care energy oil gas power climate emissions storm flood fire
drought water food farmers exports imports trade growth recession jobs data survey study research technology
software data security network systems drones missiles weapons aid funding contract agency ministry council
committee hearing testimony evidence charges trial verdict appeal sentence settlement lawsuit merger acquisition
deal tariff quota standards rules regulations guidance decision announcement statement interview speech meeting
summit visit delegation negotiations proposal compromise coalition majority minority party candidate challenger
incumbent mandate referendum turnout ballot results count recount dispute claims allegations scandal resignation
appointment nomination confirmation transition administration cabinet adviser aide official spokesperson
negotiator mediator envoy observer inspector regulator watchdog auditor commission panel board shareholders
consumers customers passengers travelers tourists refugees civilians soldiers commanders militants hostages
prisoners victims survivors witnesses communities neighborhoods villages cities regions provinces territory
infrastructure bridges roads railways airports ports pipelines reactors plants factories mines farms forests
rivers coastline""".split()
VERBS = """said announced warned argued insisted acknowledged confirmed denied rejected approved blocked delayed
proposed demanded urged criticized praised defended questioned suggested predicted estimated expected reported
disclosed revealed signed vetoed passed launched suspended resumed expanded reduced raised cut increased
lowered doubled halted ordered imposed lifted eased tightened extended""".split()
ADJS = """new major key senior former federal national local regional global economic political military
financial legal public private foreign domestic international strategic critical significant serious sharp
steep modest strong weak growing rising falling recent previous initial final official independent unprecedented
controversial bipartisan temporary permanent emergency additional broader narrow long short""".split()
TIMES = """on Monday|on Tuesday|on Wednesday|on Thursday|on Friday|on Saturday|on Sunday|this week|last week
|earlier this month|late on Tuesday|early on Friday|in recent days|over the weekend|this year|last year
|in a statement|at a news conference|in an interview|on social media""".replace("\n", "").split("|")
PREPS = "for against over after before despite amid during under within across around".split()
BOILERPLATE = [
    "did not immediately respond to a request for comment",
    "declined to comment on the matter",
    "according to people familiar with the matter",
    "said in a statement released late in the day",
    "spoke on condition of anonymity because they were not authorized to speak publicly",
]
QUOTE_FRAMES = [
    "We are not going to {v0} the {n0} until the {n1} is {a0} and {n2} is in place",
    "This is a {a0} moment for the {n0} and for every {n1} who depends on it",
    "The {n0} has to understand that {n1} without {n2} will never work",
    "I have said from the beginning that the {n0} must be {a0} and the {n1} must be {a1}",
    "Nobody wants a {n0} but we will defend our {n1} and our {n2}",
    "There is no {n0} here, only a {a0} {n1} that needs a {a1} answer",
    "Our {n0} will keep working with the {n1} to make sure the {n2} is {a0}",
    "We have seen {a0} {n0} before and we know what happens to the {n1} when nobody acts",
    "It is simply not true that the {n0} {v0} the {n1}, and the {n2} shows it",
    "What the {n0} needs right now is {a0} {n1}, not more {n2}",
    "If the {n0} does not change, the {n1} will pay the price for years",
    "The {n0} is {a0}, the {n1} is {a1}, and the {n2} cannot wait any longer",
    "We will look at every {n0} and every {n1} before we make a {a0} decision",
    "People are tired of {a0} {n0} and they want to see {n1} that works",
]


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights, for ``rng.choices(population, cum_weights=...)``."""
    return list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(n)))


@dataclass(frozen=True)
class EntityDef:
    name: str
    type: str
    gender: str = ""  # people: "m" or "f"
    role: str = ""

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


# ---------------------------------------------------------------------------------------------
# article segments: text pieces, some of them annotated, rendered with exact offsets


@dataclass(eq=False)
class M:  # an entity mention
    entity: EntityDef
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    full: bool = True  # the mention spells the full name


@dataclass(eq=False)
class Cue:
    text: str


@dataclass(eq=False)
class Q:  # the text of a quote, inside quotation marks
    text: str
    kind: QuoteKind
    speaker: M
    cue: Cue


Segment = str | M | Q | Cue


@dataclass
class SynthArticle:
    index: int  # position in the stream
    story: int  # generator's story number (ground truth), -1 for none
    copy_of: int | None  # stream index of the original for syndicated copies
    day: int
    published: str
    outlet: str
    title: str
    paragraphs: list[list[Segment]]

    def render(self) -> tuple[ParsedArticle, Extraction]:
        text_parts: list[str] = []
        blocks: list[Block] = []
        spans: dict[int, tuple[int, int]] = {}
        pos = 0
        for para in self.paragraphs:
            if text_parts:
                text_parts.append("\n\n")
                pos += 2
            start = pos
            pieces: list[str] = []
            for seg in para:
                piece = seg if isinstance(seg, str) else seg.text
                if not isinstance(seg, str):
                    spans[id(seg)] = (pos, pos + len(piece))
                pieces.append(piece)
                pos += len(piece)
            ptext = "".join(pieces)
            blocks.append(Block("paragraph", start, pos, ptext))
            text_parts.append(ptext)
        text = "".join(text_parts)
        entities: dict[EntityDef, list[M]] = defaultdict(list)
        quotes: list[Quote] = []
        for para in self.paragraphs:
            for seg in para:
                if isinstance(seg, M):
                    entities[seg.entity].append(seg)
                elif isinstance(seg, Q):
                    s, e = spans[id(seg)]
                    ss, se = spans[id(seg.speaker)]
                    cs, ce = spans[id(seg.cue)]
                    quotes.append(
                        Quote(seg.text, s, e, seg.kind, seg.speaker.entity.name, ss, se, seg.cue.text, cs, ce)
                    )
        extraction_entities = []
        for ent, mentions in entities.items():
            has_full = any(m.full for m in mentions)
            name = ent.name if has_full else ent.surname
            extraction_entities.append(
                Entity(
                    name=name,
                    type=ent.type,
                    mentions=[Mention(*spans[id(m)], m.text, dict(m.attributes)) for m in mentions],
                )
            )
        speakers = {e.name: i for i, e in enumerate(extraction_entities)}
        quotes = [
            Quote(
                q.text,
                q.start,
                q.end,
                q.kind,
                _name(q.speaker, entities),
                q.speaker_start,
                q.speaker_end,
                q.cue,
                q.cue_start,
                q.cue_end,
                speakers.get(_name(q.speaker, entities) or ""),
            )
            for q in quotes
        ]
        parsed = ParsedArticle(
            format="txt",
            encoding="utf-8",
            text=text,
            blocks=blocks,
            title=self.title,
            published=self.published,
            outlet=self.outlet,
            language="en",
            sources={"title": "header", "published": "header", "outlet": "header"},
        )
        return parsed, Extraction(quotes=quotes, entities=extraction_entities)

    def raw_bytes(self, parsed: ParsedArticle) -> bytes:
        header = f"{self.title}\n\n{self.outlet} | {self.published}\n\n"
        return (header + parsed.text).encode()


def _name(full_name: str | None, entities: dict[EntityDef, list[M]]) -> str | None:
    for ent, mentions in entities.items():
        if ent.name == full_name:
            return ent.name if any(m.full for m in mentions) else ent.surname
    return full_name


# ---------------------------------------------------------------------------------------------
# the generator


@dataclass
class StoryDef:
    number: int
    start_day: int
    people: list[EntityDef]
    others: list[EntityDef]  # organizations, places, groups
    topic: list[str]  # a few nouns the story is about
    quotes: list[tuple[str, EntityDef]]


class CorpusGenerator:
    def __init__(self, seed: int = 1, articles_per_day: int = 150, start: date = date(2025, 1, 6)) -> None:
        self.rng = random.Random(seed)
        self.articles_per_day = articles_per_day
        self.start = start
        self._build_pools()
        self._made: list[SynthArticle] = []  # recent articles, for syndicated copies
        self._story_count = 0

    # pools -------------------------------------------------------------------------------------

    def _synthetic_word(self, low: int, high: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(low, high)))

    def _build_pools(self) -> None:
        rng = self.rng
        surnames = list(dict.fromkeys(SURNAMES))
        while len(surnames) < 1500:
            surnames.append(self._synthetic_word(2, 4).capitalize())
            surnames = list(dict.fromkeys(surnames))
        surname_weights = _zipf_weights(len(surnames), 0.7)
        people: dict[str, EntityDef] = {}
        while len(people) < 3000:
            gender = rng.choice("mf")
            first = rng.choice(FIRST_M if gender == "m" else FIRST_F)
            last = rng.choices(surnames, cum_weights=surname_weights)[0]
            name = f"{first} {last}"
            if rng.random() < 0.05:
                name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            people.setdefault(name, EntityDef(name, "person", gender, rng.choice(ROLES)))
        self.people = list(people.values())
        rng.shuffle(self.people)
        self.people_weights = _zipf_weights(len(self.people), 0.6)
        places = list(dict.fromkeys(REAL_PLACES))
        while len(places) < 500:
            stem = self._synthetic_word(2, 3).capitalize()
            places.append(
                rng.choice([stem, f"Port {stem}", f"{stem}ville", f"{stem} City", f"North {stem}", f"San {stem}"])
            )
            places = list(dict.fromkeys(places))
        self.places = [EntityDef(p, "place") for p in places]
        orgs: list[str] = []
        while len(orgs) < 900:
            kind = rng.random()
            if kind < 0.35:
                orgs.append(f"{rng.choice(ORG_HEADS)} {rng.choice(DOMAINS)}")
            elif kind < 0.7:
                orgs.append(f"{rng.choice(surnames)} {rng.choice(ORG_SUFFIXES)}")
            elif kind < 0.85:
                orgs.append(f"{rng.choice(places)} {rng.choice(DOMAINS)} Authority")
            else:
                orgs.append(f"University of {rng.choice(places)}")
            orgs = list(dict.fromkeys(orgs))
        self.orgs = [EntityDef(o, "organization") for o in orgs]
        self.groups = [EntityDef(g, "group") for g in GROUPS]
        self.hot = [EntityDef(n, t) for n, t in HOT]
        self.hot_weights = _zipf_weights(len(self.hot), 0.9)
        tail = list(dict.fromkeys(self._synthetic_word(3, 5) for _ in range(6000)))
        self.nouns = list(dict.fromkeys(NOUNS)) + tail  # real words first: the frequent head
        self.noun_weights = _zipf_weights(len(self.nouns), 1.0)
        self.outlets = OUTLETS

    def _noun(self) -> str:
        return self.rng.choices(self.nouns, cum_weights=self.noun_weights)[0]

    def _person(self) -> EntityDef:
        return self.rng.choices(self.people, cum_weights=self.people_weights)[0]

    def _quote_text(self) -> str:
        frame = self.rng.choice(QUOTE_FRAMES)
        return frame.format(
            n0=self._noun(),
            n1=self._noun(),
            n2=self._noun(),
            a0=self.rng.choice(ADJS),
            a1=self.rng.choice(ADJS),
            v0=self.rng.choice(["end", "stop", "sign", "accept"]),
        )

    def _new_story(self, day: int) -> StoryDef:
        rng = self.rng
        self._story_count += 1
        people = list(dict.fromkeys(self._person() for _ in range(rng.randint(2, 4))))
        others = [rng.choice(self.orgs) for _ in range(rng.randint(1, 2))]
        others += [rng.choice(self.places) for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.3:
            others.append(rng.choice(self.groups))
        quotes = [(self._quote_text(), rng.choice(people)) for _ in range(rng.randint(2, 5))]
        topic = [self._noun() for _ in range(3)]
        return StoryDef(self._story_count, day, people, list(dict.fromkeys(others)), topic, quotes)

    # the stream --------------------------------------------------------------------------------

    def articles(self) -> Iterator[SynthArticle]:
        rng = self.rng
        schedule: dict[int, list[tuple[StoryDef, str]]] = defaultdict(list)
        index = 0
        day = 0
        while True:
            # stories starting today: enough that ~articles_per_day come out each day
            budget = self.articles_per_day
            while budget > 0:
                if rng.random() < 0.1:
                    story = self._new_story(day)
                    schedule[day].append((story, rng.choice(self.outlets)))
                    budget -= 1
                    continue
                story = self._new_story(day)
                size = rng.randint(5, 15)
                days = rng.randint(1, 4)
                outlets = rng.sample(self.outlets, min(size, len(self.outlets)))
                for k in range(size):
                    offset = 0 if k == 0 else min(days - 1, int(rng.expovariate(1.2)))
                    schedule[day + offset].append((story, outlets[k % len(outlets)]))
                budget -= size
            todays = schedule.pop(day)
            rng.shuffle(todays)
            for story, outlet in todays:
                article = self._article(index, day, story, outlet)
                yield article
                index += 1
                self._remember(article)
                if rng.random() < 0.03 and len(self._made) > 20:
                    copy = self._copy(index, day, rng.choice(self._made[-300:]))
                    yield copy
                    index += 1
            day += 1

    def _remember(self, article: SynthArticle) -> None:
        self._made.append(article)
        if len(self._made) > 600:
            del self._made[:300]

    def _published(self, day: int) -> str:
        d = self.start + timedelta(days=day)
        return f"{d.isoformat()}T{self.rng.randint(5, 22):02d}:{self.rng.randint(0, 59):02d}:00+00:00"

    def _copy(self, index: int, day: int, original: SynthArticle) -> SynthArticle:
        """A syndicated near-copy: same body, a paragraph dropped or added, a few words changed."""
        rng = self.rng
        paragraphs = [list(p) for p in original.paragraphs]
        if len(paragraphs) > 8 and rng.random() < 0.6:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        for _ in range(rng.randint(1, 3)):
            para = rng.choice(paragraphs)
            plain = [i for i, seg in enumerate(para) if isinstance(seg, str) and len(seg.split()) > 4]
            if plain:
                i = rng.choice(plain)
                text = para[i]
                assert isinstance(text, str)
                words = text.split(" ")
                j = rng.randrange(len(words))
                if words[j].isalpha() and words[j].islower():
                    words[j] = rng.choice(ADJS)
                para[i] = " ".join(words)
        if rng.random() < 0.5:
            paragraphs.append([f"(Reporting by staff of the {rng.choice(self.outlets)}; editing by the desk.)"])
        outlet = rng.choice([o for o in self.outlets if o != original.outlet])
        return SynthArticle(
            index, original.story, original.index, day, self._published(day), outlet, original.title, paragraphs
        )

    def _article(self, index: int, day: int, story: StoryDef, outlet: str) -> SynthArticle:
        rng = self.rng
        seen: set[EntityDef] = set()
        surname_only = {p for p in story.people if rng.random() < 0.05}

        def mention(ent: EntityDef) -> M:
            if ent.type != "person":
                return M(ent, ent.name)
            if ent not in seen and ent not in surname_only:
                seen.add(ent)
                return M(ent, ent.name, {"role": ent.role} if ent.role else {}, True)
            seen.add(ent)
            if rng.random() < 0.5:
                return M(ent, f"{HONORIFIC[ent.gender]} {ent.surname}", {}, False)
            return M(ent, ent.surname, {}, False)

        def after_mention(ent: EntityDef, m: M) -> list[Segment]:
            if m.full and ent.role:
                return [m, f", the {ent.role},"]
            return [m]

        def filler() -> str:
            return (
                f"The {rng.choice(ADJS)} {self._noun()} {rng.choice(VERBS)} the {self._noun()} of {self._noun()} "
                f"{rng.choice(PREPS)} the {rng.choice(ADJS)} {self._noun()} {rng.choice(TIMES)}."
            )

        def entity_sentence() -> list[Segment]:
            ent = rng.choice(story.people + story.others)
            m = mention(ent)
            kind = rng.random()
            if kind < 0.4:
                topic = rng.choice(story.topic)
                return [
                    *after_mention(ent, m),
                    f" {rng.choice(VERBS)} the {rng.choice(ADJS)} {topic} "
                    f"{rng.choice(TIMES)}, {rng.choice(PREPS)} {self._noun()} and {self._noun()}.",
                ]
            if kind < 0.7:
                other = rng.choice(story.others + self.hot)
                return [
                    f"The {rng.choice(story.topic)} {rng.choice(VERBS)} by ",
                    *after_mention(ent, m),
                    f" {rng.choice(PREPS)} ",
                    mention(other),
                    f" drew {rng.choice(ADJS)} {self._noun()}.",
                ]
            return [*after_mention(ent, m), f" {rng.choice(BOILERPLATE)}."]

        def background_sentence() -> list[Segment]:
            hot = rng.choices(self.hot, cum_weights=self.hot_weights)[0]
            incidental = rng.choice([self._person(), rng.choice(self.orgs), rng.choice(self.places)])
            return [
                f"In {rng.choice(['a', 'another', 'a separate'])} {self._noun()}, ",
                mention(hot),
                f" {rng.choice(VERBS)} the {self._noun()} {rng.choice(PREPS)} ",
                mention(incidental),
                f" {rng.choice(TIMES)}.",
            ]

        def quote_sentence(text: str, speaker: EntityDef) -> list[Segment]:
            words = text.split()
            kind: QuoteKind = "direct"
            roll = rng.random()
            if roll < 0.25 and len(words) > 10:  # a fragment
                n = rng.randint(6, len(words) - 3)
                start = rng.randrange(0, len(words) - n + 1)
                text, kind = " ".join(words[start : start + n]), "partial"
            elif roll < 0.45:  # a word or two changed (a translation, a correction)
                for _ in range(rng.randint(1, 2)):
                    j = rng.randrange(len(words))
                    words[j] = rng.choice(ADJS) if words[j].islower() else words[j]
                text = " ".join(words)
            m = mention(speaker)
            cue = Cue(rng.choice(["said", "said", "told reporters", "added", "wrote"]))
            if kind == "partial":
                return [
                    *after_mention(speaker, m),
                    " ",
                    cue,
                    " the ",
                    rng.choice(story.topic),
                    " was \u201c",
                    Q(text, kind, m, cue),
                    "\u201d.",
                ]
            if rng.random() < 0.5:
                return ["\u201c", Q(text + ",", kind, m, cue), "\u201d ", m, " ", cue, "."]
            return [*after_mention(speaker, m), " ", cue, ": \u201c", Q(text + ".", kind, m, cue), "\u201d"]

        quotes = rng.sample(story.quotes, rng.randint(1, min(4, len(story.quotes))))
        n_paragraphs = rng.randint(8, 20)
        quote_at = set(rng.sample(range(1, n_paragraphs), min(len(quotes), n_paragraphs - 1)))
        lead_person = story.people[0]
        lead = mention(lead_person)
        place = next((o for o in story.others if o.type == "place"), None)
        first: list[Segment] = [f"{place.name.upper()} \u2014 "] if place else []
        first += [
            *after_mention(lead_person, lead),
            f" {rng.choice(VERBS)} the {rng.choice(story.topic)} ",
            f"{rng.choice(TIMES)}, as ",
            mention(story.others[0]),
            f" {rng.choice(VERBS)} a {self._noun()}.",
        ]
        paragraphs: list[list[Segment]] = [first]
        for p in range(1, n_paragraphs):
            para: list[Segment] = []
            sentences = rng.randint(1, 3)
            for s in range(sentences):
                if s:
                    para.append(" ")
                if p in quote_at and s == 0:
                    text, speaker = quotes.pop()
                    para += quote_sentence(text, speaker)
                    continue
                roll = rng.random()
                if roll < 0.45:
                    para += entity_sentence()
                elif roll < 0.7:
                    para += background_sentence()
                else:
                    para.append(filler())
            paragraphs.append(para)
        title = f"{story.others[0].name} {rng.choice(VERBS)} {rng.choice(story.topic)} as {lead_person.surname} " + (
            f"faces {rng.choice(ADJS)} {self._noun()}"
        )
        return SynthArticle(index, story.number, None, day, self._published(day), outlet, title, paragraphs)
