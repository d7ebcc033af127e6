"""What a digest section gets: who reads it, whom it covers, and the week it covers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import cast

from bot.kernel.context import Deps
from bot.kernel.i18n import Translator
from bot.kernel.views import Block
from storage.digest_queries import Member
from storage.models import Person
from storage.uow import UnitOfWork


@dataclass
class DigestScope:
    deps: Deps
    uow: UnitOfWork
    t: Translator
    reader: Person  # the manager, or the admin for the organisation-wide digest
    people: Sequence[Member]  # whom it covers: the reader's direct reports, or everyone
    team_names: list[str]  # the teams those people belong to (pulse results: see visibility.own_teams)
    start: datetime  # the week covered, UTC: (start, end] — a preview includes what happened this instant
    end: datetime
    org_wide: bool = False
    # What the sections of one batch read once and share (the same dict in every scope of the batch): the pulse
    # sections' surveys, rounds and teams.
    shared: dict[str, object] = field(default_factory=dict)
    # `reader.id` as a plain attribute: the sections read it about 16,000 times a batch, and each read of an ORM
    # entity's attribute goes through SQLAlchemy's instrumentation (0.2 µs instead of 0.03 µs).
    reader_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.reader_id = self.reader.id

    @cached_property
    def ids(self) -> list[int]:
        return [person.id for person in self.people]

    def covers(self, instant: datetime) -> bool:
        return self.start < instant <= self.end


SectionBlocks = list[Block]


def people_by_id(scopes: Sequence[DigestScope]) -> Mapping[int, Member]:
    """Everyone the batch's digests cover, by id: made once for all its sections (`DigestScope.shared`, ten thousand
    people), so read it, never change it."""
    kept = cast(Mapping[int, Member] | None, scopes[0].shared.get("people by id"))
    if kept is None:
        kept = scopes[0].shared["people by id"] = {person.id: person for scope in scopes for person in scope.people}
    return kept
