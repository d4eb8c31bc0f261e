"""Story consolidation: the story step run again over the whole corpus, in an order no arrival decides.

Online, an article joins the best of the stories that exist when it arrives, so the stories depend
on the arrival order: a short undated report of event B that arrives while only event A's story
exists in its topic joins it, and from then on the fused story draws both events' reports. Run
again with dated reports first and longer before shorter, the same step builds each event's story
from its most telling reports before the short undated ones come. Words and entities are weighed by
their rarity in the whole corpus (online, by their rarity among the articles seen so far), and the
stories left with one or two articles are offered to the larger ones at the end: a report that came
before its event's story existed finds it. Pure: articles in, stories out;
``worker.storage.linking.story_consolidation`` loads and rewrites the rows."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from worker.pipeline.link import stories

MAX_CANDIDATES = 50  # as the online step: the stories sharing most of the article's probes
SMALL_STORY = 2  # stories of this many articles or fewer are offered to the larger ones at the end...
# ...and join one at this score: lower than the join threshold, because a complete story is the sum of
# all its reports, which a short report shares a smaller part of than the few it met when it came
REATTACH_THRESHOLD = 0.15


@dataclass(frozen=True)
class CorpusArticle:
    article_id: int
    name: str  # a stable name (the file's content hash): ties in the order never depend on arrival
    title: str
    body: str  # the clean text
    day: date | None
    entities: tuple[tuple[int, int], ...]  # (canonical entity id, mentions), story types only
    people: frozenset[int] = frozenset()
    copies: frozenset[int] = frozenset()  # articles it is a near-copy of, or that copy it

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}"


@dataclass
class Member:
    article_id: int
    score: float
    profile: stories.ArticleProfile


@dataclass
class ConsolidatedStory:
    members: list[Member] = field(default_factory=list)
    profile: stories.StoryProfile = field(default_factory=lambda: stories.StoryProfile(0))

    @property
    def article_ids(self) -> list[int]:
        return [m.article_id for m in self.members]


def canonical_order(articles: Iterable[CorpusArticle]) -> list[CorpusArticle]:
    """Dated articles first, then longer reports before shorter; ties by the hash of the name."""

    def key(a: CorpusArticle) -> tuple[bool, int, str]:
        return a.day is None, -len(a.body), hashlib.sha1(a.name.encode()).hexdigest()

    return sorted(articles, key=key)


def consolidate(articles: Sequence[CorpusArticle]) -> list[ConsolidatedStory]:
    """The stories of ``articles`` as the story step builds them in the canonical order, with the
    rarity of words and entities in the whole corpus (what later articles are compared with
    online, too); then the stories left with one or two articles are offered to the others."""
    ordered = canonical_order(articles)
    profiles = corpus_profiles(ordered)
    index = StoryIndex()
    story_of: dict[int, int] = {}
    for article, profile in zip(ordered, profiles, strict=True):
        copied = [story_of[c] for c in article.copies if c in story_of]
        if copied:  # a syndicated copy goes where its original went, as online
            choice = stories.Choice(index.live(copied[0]), 1.0, [])
        else:
            choice = stories.choose_story(profile, index.candidates(profile))
        story_id = index.join(choice.story_id, Member(article.article_id, choice.score, profile))
        for other in choice.bridged:
            index.merge(other, story_id)
        story_of[article.article_id] = story_id
    index.reattach_small_stories()
    return index.stories()


def corpus_profiles(articles: Sequence[CorpusArticle]) -> list[stories.ArticleProfile]:
    counts = [stories.content_terms(a.text) for a in articles]
    mentions = [_mentions(a) for a in articles]
    term_df = Counter(t for c in counts for t in c)
    entity_df = Counter(e for m in mentions for e in m)
    size = len(articles)
    return [
        stories.article_profile_of(
            a.text,
            a.day,
            stories.top_entities([stories.WeightedEntity(e, n, entity_df[e]) for e, n in m.items()], size),
            stories.term_vector(c, term_df, size),
            a.people & m.keys(),
        )
        for a, c, m in zip(articles, counts, mentions, strict=True)
    ]


def _mentions(article: CorpusArticle) -> Counter[int]:
    mentions: Counter[int] = Counter()
    for entity_id, n in article.entities:
        mentions[entity_id] += n
    return mentions


class StoryIndex:
    """The stories built so far, with postings from each word and entity to the stories holding
    it: candidates are found as the online step finds them, not by a scan of every story."""

    def __init__(self) -> None:
        self._stories: dict[int, ConsolidatedStory] = {}
        self._merged: dict[int, int] = {}
        self._postings: defaultdict[tuple[str, int], set[int]] = defaultdict(set)

    def live(self, story_id: int) -> int:
        while story_id in self._merged:
            story_id = self._merged[story_id]
        return story_id

    def candidates(self, profile: stories.ArticleProfile) -> list[stories.StoryProfile]:
        terms, entities = stories.probes(profile)
        hits: Counter[int] = Counter()
        for key in [("t", t) for t in terms] + [("e", e) for e in entities]:
            hits.update(sid for sid in self._postings.get(key, ()) if sid in self._stories)
        return [self._stories[sid].profile for sid, _ in hits.most_common(MAX_CANDIDATES)]

    def join(self, story_id: int | None, member: Member) -> int:
        if story_id is None:
            story_id = len(self._stories) + len(self._merged) + 1
            self._stories[story_id] = ConsolidatedStory(profile=stories.StoryProfile(story_id))
        story = self._stories[story_id]
        story.members.append(member)
        stories.add_to_story(story.profile, member.profile)
        self._post(story_id, member.profile.terms, member.profile.entities)
        return story_id

    def merge(self, from_id: int, into_id: int) -> None:
        from_id = self.live(from_id)
        if from_id == into_id:
            return
        source = self._stories.pop(from_id)
        target = self._stories[into_id]
        target.members.extend(source.members)
        stories.merge_into(target.profile, source.profile)
        self._merged[from_id] = into_id
        for key in [("t", t) for t in source.profile.terms] + [("e", e) for e in source.profile.entities]:
            self._postings[key].discard(from_id)
            self._postings[key].add(into_id)

    def reattach_small_stories(self) -> None:
        """Each article of a story of SMALL_STORY articles or fewer (smallest first) moves to the
        larger story it scores best with, at REATTACH_THRESHOLD or more: the report that came
        before its event's story existed (the order puts short undated reports last, not all)."""
        small = sorted((len(s.members), sid) for sid, s in self._stories.items() if len(s.members) <= SMALL_STORY)
        for size, story_id in small:
            for member in list(self._stories[story_id].members):
                larger = [p for p in self.candidates(member.profile) if p.articles > size]
                scored = sorted(((stories.similarity(member.profile, p), p.story_id) for p in larger), reverse=True)
                if scored and scored[0][0] >= REATTACH_THRESHOLD:
                    self._move(member, story_id, scored[0][1], scored[0][0])

    def _move(self, member: Member, from_id: int, into_id: int, score: float) -> None:
        source = self._stories[from_id]
        source.members.remove(member)
        source.profile = stories.StoryProfile(from_id)
        for other in source.members:
            stories.add_to_story(source.profile, other.profile)
        if not source.members:
            del self._stories[from_id]
            self._merged[from_id] = into_id
        member.score = score
        self.join(into_id, member)

    def stories(self) -> list[ConsolidatedStory]:
        return list(self._stories.values())

    def _post(self, story_id: int, terms: Iterable[int], entities: Iterable[int]) -> None:
        for t in terms:
            self._postings[("t", t)].add(story_id)
        for e in entities:
            self._postings[("e", e)].add(story_id)
