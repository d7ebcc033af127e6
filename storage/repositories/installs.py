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
    async def issue(self, state: str, expires_at: datetime) -> None:
        self.session.add(OAuthState(state=state, expires_at=expires_at))

    async def consume(self, state: str, now: datetime) -> bool:
        """True once for a state issued here and not expired; it is gone afterwards (a replay finds nothing).
        Expired states are swept on the way."""
        taken = await self.session.scalar(delete(OAuthState).where(
            OAuthState.state == state, OAuthState.expires_at > now).returning(OAuthState.state))
        await self.session.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
        return taken is not None
