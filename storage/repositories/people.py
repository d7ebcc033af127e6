"""People, their teams and their platform accounts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.models import (
    Account,
    OrgImport,
    Person,
    Team,
)
from storage.repositories.base import Repository


class People(Repository):
    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Person]:
        if not ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Person).where(Person.id.in_(set(ids))))}

    async def by_uids(self, uids: Sequence[str]) -> Sequence[Person]:
        if not uids:
            return []
        return (await self.session.scalars(select(Person).where(Person.uid.in_(set(uids))))).all()

    async def accounts_of_many(self, person_ids: Sequence[int]) -> dict[int, list[Account]]:
        found: dict[int, list[Account]] = {}
        if person_ids:
            for account in await self.session.scalars(select(Account).where(Account.person_id.in_(person_ids))
                                                      .order_by(Account.id)):
                found.setdefault(account.person_id, []).append(account)
        return found

    async def by_email(self, email: str) -> Person | None:
        """The person with this address, in any letter case. A character that lowercases to a plain letter
        (U+212A KELVIN SIGN to k) makes another mailbox, which matches nobody."""
        email = email.strip()
        if any(not c.isascii() and c.lower().isascii() for c in email):
            return None
        return await self.session.scalar(select(Person).where(Person.email == email.lower()))

    async def by_uid(self, uid: str) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.uid == uid))

    async def by_account(self, platform: str, workspace: str, user_id: str) -> Person | None:
        return await self.session.scalar(
            select(Person).join(Account).where(
                Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id))

    async def account(self, platform: str, workspace: str, user_id: str) -> Account | None:
        return await self.session.scalar(select(Account).where(
            Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id))

    async def add_unless_twin(self, row: Person | Account) -> bool:
        """Insert a new person or account, unless a concurrent transaction has just inserted its twin (the same
        email, the same platform account): two first contacts of one person at one moment, on PostgreSQL.
        False when the twin won; the savepoint keeps the rest of the transaction intact."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    async def set_address(self, platform: str, workspace: str, user_id: str, address: dict[str, Any],
                          now: datetime) -> None:
        """Where proactive messages reach this account (a Slack DM channel, a Teams conversation reference);
        storing it also means the account is reachable again."""
        await self._update_account(platform, workspace, user_id, address=address, unreachable_at=None,
                                   refreshed_at=now)

    async def mark_unreachable(self, platform: str, workspace: str, user_id: str, now: datetime) -> None:
        await self._update_account(platform, workspace, user_id, unreachable_at=now)

    async def _update_account(self, platform: str, workspace: str, user_id: str, **values: object) -> None:
        await self.session.execute(update(Account).where(
            Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id).values(**values))

    async def accounts_of(self, person_id: int) -> Sequence[Account]:
        return (await self.session.scalars(
            select(Account).where(Account.person_id == person_id).order_by(Account.id))).all()

    async def matching_handle(self, handle: str) -> Sequence[Person]:
        """People whose email starts with `handle@`, or whose name or first name is `handle`."""
        handle = handle.lower()
        first_name = func.lower(func.substr(Person.name, 1, len(handle) + 1))
        return (await self.session.scalars(select(Person).where(or_(
            func.lower(Person.email).like(_escape_like(handle) + "@%", escape="\\"),
            func.lower(Person.name) == handle,
            first_name == handle + " ",
        )).order_by(Person.id))).all()

    async def deactivated_among(self, person_ids: Sequence[int]) -> set[int]:
        """Which of these people are deactivated."""
        found: set[int] = set()
        for start in range(0, len(person_ids), 1000):  # within every database's limit on bound parameters
            found.update(await self.session.scalars(select(Person.id).where(
                Person.id.in_(person_ids[start:start + 1000]), Person.deactivated_at.is_not(None))))
        return found

    async def all(self) -> Sequence[Person]:
        return (await self.session.scalars(select(Person).order_by(Person.name))).all()

    async def count(self) -> int:
        return await self.session.scalar(select(func.count(Person.id))) or 0

    async def manager_ids(self) -> Sequence[int]:
        return (await self.session.scalars(select(Person.manager_id).where(Person.manager_id.is_not(None))
                                           .distinct())).all()

    async def reports_by_manager(self, manager_ids: Sequence[int]) -> dict[int, list[Person]]:
        result: dict[int, list[Person]] = {manager_id: [] for manager_id in manager_ids}
        for start in range(0, len(manager_ids), 5000):
            for person in await self.session.scalars(select(Person).where(
                    Person.manager_id.in_(manager_ids[start:start + 5000])).order_by(Person.name)):
                result[person.manager_id].append(person)  # type: ignore[index]
        return result

    async def reports_of(self, manager_id: int) -> Sequence[Person]:
        return (await self.session.scalars(
            select(Person).where(Person.manager_id == manager_id).order_by(Person.name))).all()

    async def with_team_names(self) -> Sequence[tuple[Person, str | None]]:
        rows = await self.session.execute(select(Person, Team.name).outerjoin(Team, Person.team_id == Team.id)
                                          .order_by(Person.id))
        return [(row[0], row[1]) for row in rows]

    async def team_name(self, person: Person) -> str | None:
        if person.team_id is None:
            return None
        return await self.session.scalar(select(Team.name).where(Team.id == person.team_id))

    async def teams(self) -> Sequence[Team]:
        return (await self.session.scalars(select(Team).order_by(Team.name))).all()

    async def delete(self, person: Person) -> None:
        await self.session.delete(person)

    async def record_import(self, report: OrgImport) -> None:
        """Keep `report` as the last import's, in place of the one before."""
        await self.session.execute(delete(OrgImport))
        self.session.add(report)

    async def last_import(self) -> OrgImport | None:
        return await self.session.scalar(select(OrgImport).order_by(OrgImport.id.desc()).limit(1))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
