"""Steps 1-5 run in order over one Doc: quotation marks, cues, speakers, attachment, kind."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span

from worker.pipeline.extract.model import Entity, Quote
from worker.pipeline.extract.quotes.attach import (
    adjacent_cue,
    continues,
    cue_before,
    governing_cue,
    introduced,
    named_after,
    same_or_next_paragraph,
    signed,
    signed_inside,
)
from worker.pipeline.extract.quotes.cues import Cue, find_cues, subject_in_paragraph
from worker.pipeline.extract.quotes.embedded import characterized_by, framed_by, subject_cue, while_saying
from worker.pipeline.extract.quotes.kind import indirect_span, is_standalone, quote_kind
from worker.pipeline.extract.quotes.lead_in import lead_in
from worker.pipeline.extract.quotes.marks import pair_marks, strip_span
from worker.pipeline.extract.quotes.names import labels_subject, quoted_name, uncalled
from worker.pipeline.extract.quotes.nearby import emphatic_did, nearby_name, report_across_aside
from worker.pipeline.extract.quotes.speakers import Resolver


def extract_quotes(doc: Doc, entities: list[Entity], terms: bool = False, authors: Sequence[str] = ()) -> list[Quote]:
    """The article's quotes in text order; quoted terms (scare quotes, titles) only when ``terms``;
    "I" is the byline's single author in a first-person piece."""
    quotes = one_per_report(doc.text, _quotes(doc, entities, authors))
    return quotes if terms else [q for q in quotes if q.kind != "term"]


def one_per_report(text: str, quotes: list[Quote]) -> list[Quote]:
    """A quoted fragment or term inside a reported clause is part of that report, not a second quote: "Nair said
    ministers had “walked away from the table”" is one partial quote, the whole clause, with its speaker."""
    # a short direct quote with report words on both sides is a fragment too ("he expected that Americans will
    # say “no” to Trump's measures")
    fragments = [q for q in quotes if q.kind in ("partial", "term") or (q.kind == "direct" and _inner(text, q, quotes))]
    out: list[Quote] = []
    absorbed: set[int] = set()
    for q in quotes:
        if q.kind != "indirect":
            continue
        inside = [f for f in fragments if q.start <= f.start and f.end <= q.end + 1]
        if not inside:
            out.append(q)
            continue
        # a quoted sentence closing a report that holds a fragment is part of it too ("saying it “grossly
        # violated” the principle and that “China deplores and opposes that.”"), not a second quote
        closing = [d for d in quotes if d.kind == "direct" and q.start < d.start and d.end <= q.end + 1]
        inside += [d for d in closing if d not in inside]
        inside.sort(key=lambda f: f.start)
        absorbed.update(id(f) for f in inside)
        end = max(q.end, inside[-1].end)
        if end == inside[-1].end and text[end : end + 1] in ("”", '"'):
            end += 1  # the clause ends with the fragment: keep its closing mark
        speaker = q if q.speaker is not None else inside[0]
        out.append(
            replace(
                speaker,
                text=text[q.start : end],
                start=q.start,
                end=end,
                kind="partial",
            )
        )
    out.extend(q for q in quotes if q.kind != "indirect" and id(q) not in absorbed)
    out.sort(key=lambda q: (q.start, -q.end))
    kept: list[Quote] = []
    for q in out:
        if kept and q.kind == "indirect" and kept[-1].kind in ("indirect", "partial") and q.start == kept[-1].start:
            continue  # a report inside a report already kept (two cues of one sentence)
        kept.append(q)
    kept.sort(key=lambda q: (q.start, q.end))
    return kept


def _inner(text: str, q: Quote, quotes: list[Quote]) -> bool:
    return any(
        r.kind == "indirect" and r.start < q.start - 1 and q.end + 1 < r.end and r.speaker is not None for r in quotes
    )


def _quotes(doc: Doc, entities: list[Entity], authors: Sequence[str] = ()) -> list[Quote]:
    text = doc.text
    if not text.strip():
        return []
    segments = pair_marks(text)
    starts = [t.idx for t in doc]
    n_tok = len(doc)

    def tok_range(start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)

    in_quote = [False] * n_tok
    seg_tokens: list[tuple[int, int]] = []
    for seg in segments:
        lo, hi = tok_range(seg.start, seg.end)
        seg_tokens.append((lo, hi))
        for i in range(lo, hi):
            in_quote[i] = True
    sent_of = [0] * n_tok
    sents: list[Span] = list(doc.sents)
    for k, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = k

    resolver = Resolver(doc, entities, in_quote, authors)
    surnames = frozenset(e.name.split()[-1] for e in entities if e.type == "person" and len(e.name.split()) > 1)
    cues = find_cues(doc)
    emphatic_did(doc, cues)
    cues = [c for c in cues if not in_quote[c.token.i]]
    for c in cues:
        if c.subject is not None and "\n" in text[min(c.subject.idx, c.token.idx) : max(c.subject.idx, c.token.idx)]:
            c.subject = subject_in_paragraph(c.subject, c.token, text)
        if c.subject is None or in_quote[c.subject.i]:
            c.subject = nearby_name(doc, c.token, in_quote, surnames)
    for c in cues:
        resolver.resolve(c, record=not c.nominal)
    cues_by_sent: dict[int, list[Cue]] = {}
    for c in cues:
        cues_by_sent.setdefault(sent_of[c.token.i], []).append(c)
    cue_at = {c.token.i: c for c in cues}

    quotes: list[Quote] = []
    sent_speaker: dict[int, Cue] = {}
    for c in cues:
        if c.speaker is not None and not c.nominal:
            k = sent_of[c.token.i]
            # the outermost attribution speaks for the sentence, not a cue inside what it reports ("Carter said
            # that some critics had been predicting ...": the next quote-only paragraph is Carter's)
            if k not in sent_speaker or _reported_by(c, cue_at) <= _reported_by(sent_speaker[k], cue_at):
                sent_speaker[k] = c
    prev_cue: Cue | None = None
    last_seg: tuple[int, Cue | None, str] | None = None  # the previous quote: token end, cue, kind
    last_attr: tuple[int, Cue] | None = None  # the last quote with a speaker: token end, cue
    reported: dict[int, tuple[int, int]] = {}  # cue token -> the reported clause (char span)
    for c in cues:
        span = indirect_span(doc, c, in_quote, text)
        if span is not None:
            reported[c.token.i] = span
    for seg, (lo, hi) in zip(segments, seg_tokens, strict=True):
        if hi <= lo:
            continue
        s_first, s_last = sent_of[lo], sent_of[min(hi, n_tok) - 1]
        if hi < n_tok and s_last + 1 < len(sents) and sent_of[hi] != s_last:
            nxt = doc[hi] if doc[hi].is_quote else None
            if nxt is not None and hi + 1 < n_tok and doc[hi + 1].is_lower:
                s_last += 1
        cue: Cue | None = None
        if seg.continues and prev_cue is not None:
            cue = prev_cue
        else:
            standalone = is_standalone(doc, text, seg, lo, hi, sents[s_first])
            cue = adjacent_cue(doc, text, seg, hi, cue_at) or governing_cue(
                doc, lo, hi, cue_at, cues_by_sent, range(s_first, s_last + 1), text, seg, standalone
            )
            if cue is None or cue.speaker is None:
                cue = cue_before(doc, lo, cue_at) or cue
            if cue is None:
                # a quoted fragment inside the reported clause of a cue: "X said history shows a “stable” ..."
                for k in range(s_first, s_last + 1):
                    for c in cues_by_sent.get(k, []):
                        span = reported.get(c.token.i)
                        if span is not None and span[0] <= seg.start and seg.end <= span[1] + 1:
                            cue = c
            if cue is None and s_last + 1 < len(sents) and hi < n_tok and doc[hi].is_quote:
                # “... strong!” Trump posted on social media. After a full stop only a bare cue ("Trump
                # said.") attributes the quote; "Ohio Gov. John Kasich said he would ..." is a new sentence.
                for c in cues_by_sent.get(s_last + 1, []):
                    near = c.token.i - hi <= 4 or (c.subject is not None and 0 < c.subject.left_edge.i - hi <= 3)
                    bare = not any(ch.dep_ in ("ccomp", "xcomp", "dobj") for ch in c.token.children)
                    if text[seg.end - 1] == "." and not bare:
                        continue
                    if near and c.token.i > hi and "\n" not in text[seg.end : c.token.idx]:
                        cue = c
                        break
        if cue is None:
            cue = report_across_aside(doc, lo, cue_at)
        if cue is None and not seg.continues:
            # "Wallnau wrote: / I think this prophetic prayer timely ... “...” ...": a fragment in an unquoted block
            # that a paragraph ending in "X wrote:" introduces
            cue = _block_intro(text, seg.start, starts, sent_of, cues_by_sent)
        split = False
        if (cue is None or cue.speaker is None) and last_seg is not None:
            # “X,” Axelrod tweeted, “Y”: the second part of a quote split by its cue
            p_hi, p_cue, p_kind = last_seg
            if (
                p_cue is not None
                and p_cue.speaker is not None
                and p_hi <= p_cue.token.i < lo <= p_hi + 14
                and "\n" not in text[doc[p_hi - 1].idx : seg.start]
            ):
                cue, split = p_cue, p_kind == "direct"
        standalone = split or is_standalone(doc, text, seg, lo, hi, sents[s_first])
        kind = quote_kind(doc, lo, hi, cue, standalone, seg)
        if (cue is None or cue.speaker is None) and kind == "direct" and lo >= 2:
            prev = sent_speaker.get(sent_of[lo - 2]) if sent_of[lo - 2] < s_first else sent_speaker.get(s_first - 1)
            prev = prev if prev is not None and prev.token.i < lo else None
            intro = introduced(doc, text, seg, lo, cues_by_sent, sent_of, resolver)
            # words of its own paragraph before the quote ("Clinton supports “...”"), which a parse that ran the
            # paragraph before into the sentence hid: the subject of the verb that governs it first; also after a
            # comma ("Clinton shared her anxiety with an audience, “I do not know ...”")
            lead = text[text.rfind("\n", 0, seg.start) + 1 : seg.start].rstrip(" “\"'")
            inline = subject_cue(doc, lo, hi, in_quote, resolver) if lead[-1:].isalnum() or lead[-1:] == "," else None
            signature = signed_inside(doc, text, seg, resolver) or named_after(doc, text, seg, hi, resolver)
            if signature is not None:
                cue = signature
            elif intro is not None:
                cue = intro
            elif inline is not None:
                cue = inline
            elif prev is not None and same_or_next_paragraph(text, prev.token.idx, seg.start):
                cue = prev
            else:
                cue = signed(doc, text, seg, hi, resolver) or lead_in(doc, text, seg, resolver) or cue
        if kind == "term":
            said = (
                None  # a label on a main clause's subject: "Felt, the “Deep Throat” source, died"
                if labels_subject(doc, lo, hi)
                else framed_by(doc, lo, hi, in_quote, resolver, entities)
                if quoted_name(doc, lo, hi)  # (a name nobody gives but "dubbed “...” by X")
                else characterized_by(doc, lo, hi, in_quote, resolver, entities)
                or framed_by(doc, lo, hi, in_quote, resolver, entities)
                or while_saying(doc, lo, hi, in_quote, resolver, entities)
            )
            if said is not None:
                # "Weaver dismissed that suggestion as a sign of a campaign in “disarray”": a person's word
                quotes.append(make_quote(text, seg.start, seg.end, "partial", said))
            else:
                quotes.append(Quote(text[seg.start : seg.end], seg.start, seg.end, "term"))
            continue
        if kind == "partial" and uncalled(doc, lo, hi):
            # "what had been called the “Golden Week”": nobody near is said to call it so
            quotes.append(make_quote(text, seg.start, seg.end, kind, None))
            prev_cue, last_seg = None, None
            continue
        weak = None
        if cue is None or cue.speaker is None:
            # no speech verb: the quote's words are the subject's ("Clinton supports “fair pay”",
            # "Clinton has since apologized: “...”"); never carried on to later quotes
            weak = subject_cue(doc, lo, hi, in_quote, resolver)
        if weak is not None:
            quotes.append(make_quote(text, seg.start, seg.end, kind, weak))
            prev_cue, last_seg = None, None
            continue
        if (
            (cue is None or cue.speaker is None)
            and kind == "direct"
            and last_attr is not None
            and continues(doc, text, last_attr[0], lo, in_quote, sent_of[last_attr[1].token.i], sent_of)
        ):
            cue = last_attr[1]
        if (
            (cue is None or cue.speaker is None)
            and kind == "partial"
            and last_attr is not None
            and last_attr[1].is_person
            and s_first - 1 in (sent_of[last_attr[0] - 1], sent_of[last_attr[1].token.i])
            and "\n" not in text[doc[last_attr[0] - 1].idx : seg.start]
            and not any(cues_by_sent.get(k) for k in range(s_first, s_last + 1))  # "a cover saying “...”"
        ):
            # "“We thought only Trump was insensitive,” said Aida. Biden “kind of misspoke”": a fragment in
            # the sentence right after a person's quote, with no cue of its own, goes on with that person
            cue = last_attr[1]
        if (cue is None or cue.speaker is None) and kind == "partial" and s_first > 0:
            # "Brill has argued that the law was crippled .... As a result, there's still “a very powerful industry
            # ...”": after a person's report that fills the sentence before, with no cue of its own
            cue = _report_before(text, seg.start, cues_by_sent.get(s_first - 1, []), reported, sents[s_first]) or cue
        if cue is not None and cue.speaker is not None:
            last_attr = (hi, cue)
        if cue is not None and cue.speaker is not None:
            for k in (*range(s_first, s_last + 1), sent_of[cue.token.i]):
                sent_speaker[k] = cue
        prev_cue = cue
        last_seg = (hi, cue, kind)
        quotes.append(make_quote(text, seg.start, seg.end, kind, cue))

    # indirect quotes: clausal complements of reporting verbs, and "according to X, ..."
    for c in cues:
        span = reported.get(c.token.i)
        if span is None:
            continue
        s, e = strip_span(text, *span)
        if e - s > 10:
            quotes.append(make_quote(text, s, e, "indirect", c))
        sent_speaker.setdefault(sent_of[c.token.i], c)
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes


def _block_intro(
    text: str, start: int, starts: list[int], sent_of: list[int], cues_by_sent: dict[int, list[Cue]]
) -> Cue | None:
    """The cue of a paragraph that ends with a colon right before the quote's unquoted paragraph."""
    para = text.rfind("\n", 0, start) + 1
    prev = text[:para].rstrip()
    if not prev.endswith(":") or para == 0 or text[para] in "“\"'‘":
        return None
    colon = len(prev) - 1
    k = sent_of[max(0, bisect.bisect_right(starts, colon) - 1)]
    for c in reversed(cues_by_sent.get(k, [])):
        # (not "X tweeted the transcript ...:": what the colon introduces is the object, an embed the text lost)
        if c.token.idx < colon and c.speaker is not None and not c.nominal:
            return None if any(o.dep_ == "dobj" for o in c.token.children) else c
    return None


def _report_before(
    text: str, start: int, prev: list[Cue], reported: dict[int, tuple[int, int]], sent: Span
) -> Cue | None:
    """The person whose main-clause report ends the sentence right before ``sent``, in the same paragraph."""
    if "\n" in text[sent.start_char - 2 : start] or any(t.is_quote for t in sent if t.idx < start - 1):
        return None
    for c in prev:
        span = reported.get(c.token.i)
        ends = span is not None and text[span[1] : sent.start_char].strip(" .") == ""
        if ends and c.is_person and c.speaker is not None and c.token.dep_ == "ROOT":
            return c
    return None


def _reported_by(cue: Cue, cue_at: dict[int, Cue]) -> int:
    """How many attributions with a speaker ``cue`` lies inside (its verb's ancestors that are cues)."""
    return sum(
        1 for a in cue.token.ancestors if a.i in cue_at and not cue_at[a.i].nominal and cue_at[a.i].speaker is not None
    )


def make_quote(text: str, start: int, end: int, kind: str, cue: Cue | None) -> Quote:
    if cue is None:
        return Quote(text[start:end], start, end, kind)  # type: ignore[arg-type]
    # a stray mark the parse made the subject ("“...,” Juror No. 12 said" gave ".") is no speaker
    named = cue.speaker is not None and any(ch.isalnum() for ch in cue.speaker)
    return Quote(
        text[start:end],
        start,
        end,
        kind,  # type: ignore[arg-type]
        speaker=cue.speaker if named else None,
        speaker_start=cue.speaker_start if named else None,
        speaker_end=cue.speaker_end if named else None,
        cue=text[cue.token.idx : cue.end],
        cue_start=cue.token.idx,
        cue_end=cue.end,
        speaker_entity=cue.speaker_entity if named else None,
    )
