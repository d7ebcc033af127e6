"""The unit of work: repositories sharing one session and one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories.checkins import Checkins
from storage.repositories.deliveries import Deliveries
from storage.repositories.expectations import Expectations
from storage.repositories.feedback import FeedbackRepo
from storage.repositories.goals import Goals
from storage.repositories.growth import Growth
from storage.repositories.ideas import Ideas
from storage.repositories.inbound import InboundEvents
from storage.repositories.installs import Installs, OAuthStates
from storage.repositories.kudos import KudosRepo
from storage.repositories.oneonones import OneOnOnes
from storage.repositories.people import People
from storage.repositories.surveys import Surveys


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.people = People(session)
        self.kudos = KudosRepo(session)
        self.ideas = Ideas(session)
        self.feedback = FeedbackRepo(session)
        self.goals = Goals(session)
        self.growth = Growth(session)
        self.expectations = Expectations(session)
        self.deliveries = Deliveries(session)
        self.checkins = Checkins(session)
        self.oneonones = OneOnOnes(session)
        self.surveys = Surveys(session)
        self.inbound = InboundEvents(session)
        self.installs = Installs(session)
        self.oauth_states = OAuthStates(session)


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[UnitOfWork]:
    """One transaction: committed when the block ends, rolled back entirely if it raises."""
    async with db.transaction() as session:
        yield UnitOfWork(session)
