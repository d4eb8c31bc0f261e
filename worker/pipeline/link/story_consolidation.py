"""Story consolidation: the story step run again over the whole corpus, in an order no arrival decides.

Online, an article joins the best of the stories that exist when it arrives, so the stories depend
on the arrival order: a short undated report of event B that arrives while only event A's story
exists in its topic joins it, and from then on the fused story draws both events' reports. Run
again with dated reports first and longer before shorter, the same step builds each event's story
from its most telling reports before the short undated ones come. Pure: articles in, stories out;
``worker.storage.linking.story_consolidation`` loads and rewrites the rows."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from worker.pipeline.link import stories

MAX_CANDIDATES = 50  # as the online step: the stories sharing most of the article's probes


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
    """The stories of ``articles`` as the story step builds them in the canonical order. Word and
    entity rarity grow with the articles seen, as they did online."""
    index = _StoryIndex()
    term_df: Counter[int] = Counter()
    entity_df: Counter[int] = Counter()
    story_of: dict[int, int] = {}
    for seen, article in enumerate(canonical_order(articles), start=1):
        profile = _profile(article, seen, term_df, entity_df)
        copied = [story_of[c] for c in article.copies if c in story_of]
        if copied:  # a syndicated copy goes where its original went, as online
            choice = stories.Choice(index.live(copied[0]), 1.0, [])
        else:
            choice = stories.choose_story(profile, index.candidates(profile))
        story_id = index.join(choice.story_id, Member(article.article_id, choice.score, profile))
        for other in choice.bridged:
            index.merge(other, story_id)
        story_of[article.article_id] = story_id
    return index.stories()


def _profile(
    article: CorpusArticle, seen: int, term_df: Counter[int], entity_df: Counter[int]
) -> stories.ArticleProfile:
    counts = stories.content_terms(article.text)
    term_df.update(counts.keys())
    mentions: Counter[int] = Counter()
    for entity_id, n in article.entities:
        mentions[entity_id] += n
    entity_df.update(mentions.keys())
    weighted = [stories.WeightedEntity(e, n, entity_df[e]) for e, n in mentions.items()]
    return stories.article_profile_of(
        article.text,
        article.day,
        stories.top_entities(weighted, seen),
        stories.term_vector(counts, term_df, seen),
        article.people & mentions.keys(),
    )


class _StoryIndex:
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
            hits.update(self._postings.get(key, ()))
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

    def stories(self) -> list[ConsolidatedStory]:
        return list(self._stories.values())

    def _post(self, story_id: int, terms: Iterable[int], entities: Iterable[int]) -> None:
        for t in terms:
            self._postings[("t", t)].add(story_id)
        for e in entities:
            self._postings[("e", e)].add(story_id)
