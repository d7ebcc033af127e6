"""Private feedback and feedback requests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.models import (
    Feedback,
    FeedbackRequest,
    FeedbackRequestTarget,
)
from storage.repositories.base import Repository


class FeedbackRepo(Repository):
    async def received_by(self, person_id: int, limit: int | None = None) -> Sequence[Feedback]:
        query = select(Feedback).where(Feedback.receiver_id == person_id).order_by(Feedback.id.desc())
        return (await self.session.scalars(query.limit(limit) if limit else query)).all()

    async def given_by(self, person_id: int) -> Sequence[Feedback]:
        return (await self.session.scalars(
            select(Feedback).where(Feedback.giver_id == person_id).order_by(Feedback.id))).all()

    async def open_request_from(self, requester_id: int, target_id: int) -> FeedbackRequestTarget | None:
        """The oldest unanswered request `requester` sent to `target`, if any."""
        return await self.session.scalar(
            select(FeedbackRequestTarget).join(FeedbackRequest)
            .where(FeedbackRequest.requester_id == requester_id, FeedbackRequestTarget.person_id == target_id,
                   FeedbackRequestTarget.answered_at.is_(None))
            .order_by(FeedbackRequest.id).limit(1))

    async def open_requests_to(self, person_id: int) -> Sequence[FeedbackRequest]:
        return (await self.session.scalars(
            select(FeedbackRequest).join(FeedbackRequestTarget)
            .where(FeedbackRequestTarget.person_id == person_id, FeedbackRequestTarget.answered_at.is_(None))
            .order_by(FeedbackRequest.id))).all()

    async def requests_by(self, person_id: int) -> Sequence[FeedbackRequest]:
        return (await self.session.scalars(select(FeedbackRequest).where(FeedbackRequest.requester_id == person_id)
                                           .options(selectinload(FeedbackRequest.targets))
                                           .order_by(FeedbackRequest.id))).all()

    async def get_request(self, request_id: int) -> FeedbackRequest | None:
        return await self.session.get(FeedbackRequest, request_id)
