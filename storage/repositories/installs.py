"""Apps installed through OAuth, per workspace, and the one-time states of install pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import AppInstall, OAuthState
from storage.repositories.base import Repository, dialect_insert


class Installs(Repository):
    async def save(self, install: AppInstall) -> None:
        """The workspace's install, replacing an earlier one (a re-install after a removal clears `revoked_at`)."""
        values = {column.key: getattr(install, column.key) for column in AppInstall.__table__.columns
                  if column.key != "id"}
        insert = dialect_insert(self.session)
        await self.session.execute(insert(AppInstall).values(**values).on_conflict_do_update(
            index_elements=["platform", "team_id"],
            set_={key: value for key, value in values.items() if key not in ("platform", "team_id")}))

    async def find(self, platform: str, team_id: str) -> AppInstall | None:
        return await self.session.scalar(select(AppInstall).where(
            AppInstall.platform == platform, AppInstall.team_id == team_id))

    async def active(self, platform: str) -> list[AppInstall]:
        return list(await self.session.scalars(select(AppInstall).where(
            AppInstall.platform == platform, AppInstall.revoked_at.is_(None)).order_by(AppInstall.id)))

    async def revoke(self, platform: str, team_id: str, now: datetime) -> bool:
        """The app was removed or its token revoked: the row stays, the dead token goes. False if it was not
        installed (or already revoked)."""
        result = await self.session.execute(update(AppInstall).where(
            AppInstall.platform == platform, AppInstall.team_id == team_id, AppInstall.revoked_at.is_(None),
        ).values(revoked_at=now, bot_token=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, platform: str, team_id: str) -> None:
        await self.session.execute(delete(AppInstall).where(
            AppInstall.platform == platform, AppInstall.team_id == team_id))


class OAuthStates(Repository):
    """The install pages' states already used, each kept until it expires (the states themselves are signed, not
    stored: adapters/slack/installs.py)."""

    async def use(self, state: str, expires_at: datetime, now: datetime) -> bool:
        """True the first time a state not yet expired is used; False when it was used already or has expired.
        The expired ones are swept on the way, so the table holds at most a lifetime's callbacks."""
        await self.session.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
        if expires_at <= now:
            return False
        insert = dialect_insert(self.session)
        taken = await self.session.scalar(insert(OAuthState).values(state=state, expires_at=expires_at)
                                          .on_conflict_do_nothing(index_elements=["state"])
                                          .returning(OAuthState.state))
        return taken is not None
