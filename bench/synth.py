"""Write a synthetic but valid site_src of any size, the same for the same seed.

    python bench/synth.py --events 10000 --out /tmp/big/site_src [--seed 1]

N events (about 300 words of Markdown each, with citations, links to actors, earlier events
and glossary terms), N/10 actors, N/20 sources, N/5 quotes, three phases, a sticking point per
N/500 events (at least five), and twenty glossary terms. Everything cites real ids, so the site
builds cleanly; nothing in it is meant to be read.

Its Markdown mirrors the real explainer's mix (site_src, measured 2026-12-04 per 1,000 words of
prose: 35 citations, 22 cross-links, 6.4 bold phrases, 6.3 list items, 10 quoted passages, 0.6
headings, 18 paragraphs): so the build meets Python-Markdown as it does on real content, not
only plain paragraphs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from pathlib import Path

WORDS = [
    "talks",
    "delegation",
    "proposal",
    "mediators",
    "round",
    "corridor",
    "border",
    "withdrawal",
    "hostages",
    "prisoners",
    "release",
    "phase",
    "agreement",
    "statement",
    "officials",
    "negotiators",
    "capital",
    "meeting",
    "envoy",
    "response",
    "conditions",
    "security",
    "interests",
    "framework",
    "reconstruction",
    "aid",
    "trucks",
    "cease-fire",
    "permanent",
    "temporary",
    "exchange",
    "north",
    "south",
    "crossing",
    "checks",
    "screening",
    "displaced",
    "families",
    "return",
    "week",
    "day",
    "morning",
    "evening",
    "press",
    "conference",
    "video",
    "channels",
    "position",
    "demand",
    "offer",
    "plan",
    "details",
    "progress",
    "gaps",
    "bridging",
    "text",
    "sides",
    "parties",
    "support",
    "backing",
    "signal",
    "pressure",
    "deadline",
]
KINDS = ["person", "organisation", "state"]
PARTS = ["party", "mediator", "negotiator", "other"]
TERMS = [
    "Bridging text",
    "Corridor",
    "Crossing",
    "Delegation",
    "Envoy",
    "Exchange",
    "Framework",
    "Mediator",
    "Negotiator",
    "Phase",
    "Position",
    "Press conference",
    "Proposal",
    "Reconstruction",
    "Release",
    "Round",
    "Screening",
    "Statement",
    "Truce",
    "Withdrawal",
]


# the real mix, per sentence (about 67 sentences in 1,000 words) and per 300-word body
BOLD_PER_SENTENCE = 0.1
QUOTED_PER_SENTENCE = 0.15
LIST_PER_BODY = 0.5  # of 3 to 5 items
HEADING_PER_BODY = 0.17


def q(text: str) -> str:
    """A YAML scalar that reads back as exactly `text` (JSON strings are YAML)."""
    return json.dumps(text)


class Writer:
    def __init__(self, root: Path, events: int, seed: int):
        self.root = root
        self.rng = random.Random(seed)
        self.events = events
        self.actors = [f"actor-{i:05d}" for i in range(max(4, events // 10))]
        self.sources = [f"source-{i:05d}" for i in range(max(4, events // 20))]
        self.quotes = max(1, events // 5)
        self.points = [f"point-{i:03d}" for i in range(max(5, events // 500))]
        self.terms = [(term.lower().replace(" ", "-"), term) for term in TERMS]
        self.start = dt.date(2000, 1, 1)

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def sentence(self, index: int) -> str:
        parts = [self.words(self.rng.randint(8, 16)).capitalize()]
        roll = self.rng.random()
        if roll < 0.35:
            parts.append(f"[[{self.rng.choice(self.actors)}]]")
        elif roll < 0.45 and index > 0:
            parts.append(f"[[event:event-{self.rng.randrange(index):05d}]]")
        elif roll < 0.55:
            term_id, _ = self.rng.choice(self.terms)
            parts.append(f"[[term:{term_id}]]")
        middle = self.words(self.rng.randint(4, 10))
        roll = self.rng.random()
        if roll < BOLD_PER_SENTENCE:
            middle = f"**{middle}**"
        elif roll < BOLD_PER_SENTENCE + QUOTED_PER_SENTENCE:
            middle = f'"{middle}"'
        parts.append(middle)
        citation = f" [@{self.rng.choice(self.sources)}]" if self.rng.random() < 0.5 else ""
        return " ".join(parts) + citation + "."

    def body(self, index: int, words: int = 300) -> str:
        paragraphs, count = [], 0
        while count < words:
            sentences = [self.sentence(index) for _ in range(self.rng.randint(3, 5))]
            paragraph = " ".join(sentences)
            count += len(paragraph.split())
            paragraphs.append(paragraph)
        paragraphs[-1] += f" [@{self.rng.choice(self.sources)}]"
        if words >= 300 and self.rng.random() < LIST_PER_BODY:
            items = [
                f"- {self.words(self.rng.randint(5, 12)).capitalize()} [@{self.rng.choice(self.sources)}]."
                for _ in range(self.rng.randint(3, 5))
            ]
            paragraphs.insert(self.rng.randrange(1, len(paragraphs) + 1), "\n".join(items))
        if words >= 300 and self.rng.random() < HEADING_PER_BODY:
            paragraphs.insert(1, f"## {self.words(3).capitalize()}")
        return "\n\n".join(paragraphs) + "\n"

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def site(self) -> None:
        self.write(
            "site.yaml",
            "title: Synthetic explainer\ndescription: A synthetic site for benchmarks.\nlanguage: en\n"
            f"base_url: https://example.org/bench/\nas_of: {(self.start + dt.timedelta(days=self.events)).isoformat()}\n",
        )
        self.write("pages/home.md", f"---\ntitle: Synthetic explainer\n---\n{self.body(0, 60)}")
        self.write("pages/about.md", f"---\ntitle: About\n---\n{self.body(0, 80)}")

    def collections(self) -> None:
        lines = []
        for source in self.sources:
            lines.append(
                f"- id: {source}\n  publisher: {q(self.words(2).title())}\n  title: {q(self.words(8))}\n"
                f"  date: 2020-01-01\n  url: https://example.org/{source}\n"
            )
        self.write("sources.yaml", "\n".join(lines))
        lines = []
        for term_id, term in self.terms:
            lines.append(
                f"- id: {term_id}\n  term: {q(term)}\n  definition: {q(self.words(25) + ' [@' + self.sources[0] + ']')}\n"
                f"  sources: [{self.rng.choice(self.sources)}]\n"
            )
        self.write("glossary.yaml", "\n".join(lines))
        lines = []
        for number in range(self.quotes):
            event = self.rng.randrange(self.events)
            day = self.start + dt.timedelta(days=event)
            lines.append(
                f"- id: quote-{number:05d}\n  speaker: {self.rng.choice(self.actors)}\n  date: {day.isoformat()}\n"
                f"  text: {q(self.words(18))}\n  context: {q(self.words(12))}\n  event: event-{event:05d}\n"
                f"  source: {self.rng.choice(self.sources)}\n"
            )
        self.write("quotes.yaml", "\n".join(lines))

    def actors_and_phases(self) -> None:
        for index, actor in enumerate(self.actors):
            affiliation = f"affiliation: {self.actors[index - 1]}\n" if index % 5 == 4 else ""
            self.write(
                f"actors/{actor}.md",
                f"---\nname: {q(self.words(2).title() + f' {index}')}\nkind: {KINDS[index % 3]}\nrole: {q(self.words(4))}\n"
                f"{affiliation}part: {PARTS[index % 4]}\nsources: [{self.rng.choice(self.sources)}]\n"
                f"importance: {'key' if index < 8 else 'normal'}\n---\n{self.body(0, 80)}",
            )
        for number in (1, 2, 3):
            provisions = "".join(
                f"  - text: {q(self.words(12))}\n    sources: [{self.rng.choice(self.sources)}]\n"
                for _ in range(5)
            )
            self.write(
                f"phases/phase-{number}.md",
                f"---\nnumber: {number}\ntitle: {q(self.words(3).title())}\nsummary: {q(self.words(15))}\n"
                f"provisions:\n{provisions}---\n{self.body(0, 120)}",
            )
        for point in self.points:
            positions = "".join(
                f"  - actor: {actor}\n    stance: {q(self.words(20))}\n    sources: [{self.rng.choice(self.sources)}]\n"
                for actor in self.rng.sample(self.actors, 3)
            )
            self.write(
                f"sticking_points/{point}.md",
                f"---\ntitle: {q(self.words(3).title())}\nsummary: {q(self.words(20))}\n"
                f"phases: [phase-{self.rng.randint(1, 3)}]\npositions:\n{positions}---\n{self.body(0, 120)}",
            )

    def timeline(self) -> None:
        for index in range(self.events):
            day = self.start + dt.timedelta(days=index)
            actors = ", ".join(self.rng.sample(self.actors, self.rng.randint(2, 4)))
            sources = ", ".join(self.rng.sample(self.sources, self.rng.randint(1, 3)))
            point = f"sticking_points: [{self.rng.choice(self.points)}]\n" if self.rng.random() < 0.3 else ""
            phase = f"phases: [phase-{self.rng.randint(1, 3)}]\n" if self.rng.random() < 0.2 else ""
            self.write(
                f"events/event-{index:05d}.md",
                f"---\ntitle: {q(self.words(6).capitalize())}\ndate: {day.isoformat()}\nlocation: {q(self.words(1).title())}\n"
                f"actors: [{actors}]\n{point}{phase}sources: [{sources}]\n"
                f"importance: {'key' if self.rng.random() < 0.1 else 'normal'}\n---\n{self.body(index)}",
            )


def synthesize(out: Path, events: int, seed: int = 1) -> None:
    if out.exists():
        shutil.rmtree(out)
    writer = Writer(out, events, seed)
    writer.site()
    writer.collections()
    writer.actors_and_phases()
    writer.timeline()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the site_src folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    synthesize(args.out, args.events, args.seed)
    print(f"wrote {args.out} with {args.events} events")


if __name__ == "__main__":
    main()
