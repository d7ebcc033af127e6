"""Chat apps installed through OAuth (one row per workspace, kept when the app is removed), and the install pages'
states that callbacks have used (so each is used once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class AppInstall(Base):
    """The app in one workspace. `bot_token` is sealed with the deployment's privacy key, never stored in clear;
    a revoked install (uninstalled, tokens revoked) keeps its row, without a token, until it is installed again."""

    __tablename__ = "app_installs"
    __table_args__ = (UniqueConstraint("platform", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str] = mapped_column(String(40))
    team_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[str | None] = mapped_column(String(40))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    app_id: Mapped[str | None] = mapped_column(String(40))
    bot_id: Mapped[str | None] = mapped_column(String(40))
    bot_user_id: Mapped[str | None] = mapped_column(String(40))
    bot_token: Mapped[str | None] = mapped_column(Text)  # sealed
    bot_scopes: Mapped[str] = mapped_column(Text, default="")  # comma-separated, as Slack gives them
    installer_user_id: Mapped[str | None] = mapped_column(String(40))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OAuthState(Base):
    """An install page's state that a callback has used: kept until it expires, so it is not used twice."""

    __tablename__ = "oauth_states"
    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
