"""Who stands with whom: actors grouped by side, and each side's team, from `affiliation`.

An actor's team is the top of its affiliation chain (Mossad -> Israel; David Barnea ->
Mossad -> Israel). A team whose head is a mediator is on the mediators' side; a party heads a
side of its own; everyone else is grouped as others. "Who is who" lists the sides in that
order (mediators, the parties by name, others), so no party is put first by the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Actor

MEDIATORS = "Mediators"
OTHERS = "Others"
_KIND_ORDER = {"state": 0, "organisation": 1, "person": 2}


@dataclass(frozen=True)
class Team:
    """An actor at the head of a chain of affiliations, and everyone under it."""

    head: Actor
    members: list[Actor]  # organisations first, then people, each by name


@dataclass(frozen=True)
class Side:
    label: str
    teams: list[Team]


def head_of(actor: Actor, actors: dict[str, Actor]) -> Actor:
    """The top of an actor's affiliation chain (itself when it has none)."""
    seen = {actor.id}
    while actor.affiliation and actor.affiliation in actors and actor.affiliation not in seen:
        actor = actors[actor.affiliation]
        seen.add(actor.id)
    return actor


def _member_order(actor: Actor) -> tuple[int, str]:
    return (_KIND_ORDER[actor.kind], actor.name.casefold())


def teams(actors: dict[str, Actor]) -> dict[str, Team]:
    """Every team, by the id of its head, with its members in reading order."""
    members: dict[str, list[Actor]] = {}
    for actor in actors.values():
        head = head_of(actor, actors)
        if head is not actor:
            members.setdefault(head.id, []).append(actor)
    heads = {head_of(actor, actors).id for actor in actors.values()}
    return {
        head_id: Team(actors[head_id], sorted(members.get(head_id, []), key=_member_order))
        for head_id in sorted(heads, key=lambda i: actors[i].name.casefold())
    }


def sides(actors: dict[str, Actor]) -> list[Side]:
    """The sides of the talks, in the order "Who is who" shows them."""
    all_teams = list(teams(actors).values())
    mediators = [team for team in all_teams if team.head.part == "mediator"]
    parties = [team for team in all_teams if team.head.part == "party"]
    others = [team for team in all_teams if team.head.part not in ("mediator", "party")]
    found = [Side(MEDIATORS, mediators)] if mediators else []
    found += [Side(team.head.name, [team]) for team in parties]
    return found + ([Side(OTHERS, others)] if others else [])
