"""Placeholder: being written now; replaced whole by its owner."""

from __future__ import annotations

from bot.context import Context, Feature
from bot.digest_scope import DigestScope, SectionBlocks
from bot.errors import UserError
from bot.i18n import N_
from bot.rhythm import Due, Tick
from bot.views import View


async def handle(ctx: Context, text: str) -> View:
    raise UserError("This command is not available yet.")


async def due(tick: Tick) -> list[Due]:
    return []


async def digest_section(scope: DigestScope) -> SectionBlocks:
    return []


FEATURE = Feature(handle=handle, summary=N_("(coming)"), usage=N_("(coming)"))
