"""Ideas, their votes, comments and status changes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select

from storage.models import (
    Idea,
    IdeaComment,
    IdeaMeasure,
    IdeaRecognition,
    IdeaResult,
    IdeaStatusChange,
    IdeaVote,
    Person,
)
from storage.repositories.base import Repository


class Ideas(Repository):
    async def get(self, idea_id: int) -> Idea | None:
        return await self.session.get(Idea, idea_id)

    async def listing(self, *, statuses: Sequence[str] | None = None, author_id: int | None = None,
                      ids: Sequence[int] | None = None, by_votes: bool = False,
                      limit: int = 20) -> Sequence[tuple[Idea, int]]:
        """Ideas with their vote counts, newest first or most voted first."""
        votes = func.count(IdeaVote.person_id).label("votes")
        query = select(Idea, votes).outerjoin(IdeaVote).group_by(Idea.id)
        if statuses is not None:
            query = query.where(Idea.status.in_(statuses))
        if author_id is not None or ids is not None:
            query = query.where(or_(Idea.author_id == author_id, Idea.id.in_(ids or [])))
        order = [votes.desc(), Idea.id.desc()] if by_votes else [Idea.id.desc()]
        return [(row[0], row[1]) for row in (await self.session.execute(query.order_by(*order).limit(limit)))]

    async def sealed(self) -> Sequence[tuple[int, str]]:
        return [(row[0], row[1]) for row in await self.session.execute(
            select(Idea.id, Idea.author_seal).where(Idea.author_seal.is_not(None)))]

    async def authored_by(self, person_id: int) -> Sequence[Idea]:
        return (await self.session.scalars(select(Idea).where(Idea.author_id == person_id))).all()

    async def vote_count(self, idea_id: int) -> int:
        return await self.session.scalar(select(func.count()).where(IdeaVote.idea_id == idea_id)) or 0

    async def vote(self, idea_id: int, person_id: int) -> IdeaVote | None:
        return await self.session.get(IdeaVote, (idea_id, person_id))

    async def voter_ids(self, idea_id: int) -> list[int]:
        return list((await self.session.scalars(
            select(IdeaVote.person_id).where(IdeaVote.idea_id == idea_id).order_by(IdeaVote.created_at))).all())

    async def comments(self, idea_id: int) -> Sequence[tuple[IdeaComment, Person]]:
        rows = await self.session.execute(select(IdeaComment, Person).join(Person, IdeaComment.author_id == Person.id)
                                          .where(IdeaComment.idea_id == idea_id).order_by(IdeaComment.id))
        return [(row[0], row[1]) for row in rows]

    async def history(self, idea_id: int) -> Sequence[IdeaStatusChange]:
        return (await self.session.scalars(select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id)
                                           .order_by(IdeaStatusChange.id))).all()

    async def votes_by(self, person_id: int) -> Sequence[IdeaVote]:
        return (await self.session.scalars(select(IdeaVote).where(IdeaVote.person_id == person_id))).all()

    async def comments_by(self, person_id: int) -> Sequence[IdeaComment]:
        return (await self.session.scalars(select(IdeaComment).where(IdeaComment.author_id == person_id))).all()

    async def measure(self, idea_id: int) -> IdeaMeasure | None:
        return await self.session.get(IdeaMeasure, idea_id)

    async def latest_result(self, idea_id: int) -> IdeaResult | None:
        return (await self.session.scalars(select(IdeaResult).where(IdeaResult.idea_id == idea_id)
                                           .order_by(IdeaResult.id.desc()).limit(1))).first()

    async def results(self, idea_id: int) -> Sequence[IdeaResult]:
        return (await self.session.scalars(select(IdeaResult).where(IdeaResult.idea_id == idea_id)
                                           .order_by(IdeaResult.id))).all()

    async def recognition(self, idea_id: int) -> IdeaRecognition | None:
        return await self.session.get(IdeaRecognition, idea_id)
