"""The App Home tab: the person's dashboard (bot/dashboard.py), published with views.publish."""

from __future__ import annotations

import logging

from adapters.slack.blocks import MORE, surface_blocks
from adapters.slack.errors import CALL_FAILED, api_error
from adapters.slack.grammar import PREFIXES
from adapters.slack.messenger import SlackMessenger
from bot.dashboard import dashboard
from bot.kernel.context import Deps
from bot.kernel.messages import Actor
from bot.kernel.outbox import DeliveryError

log = logging.getLogger(__name__)


async def publish_home(deps: Deps, messenger: SlackMessenger, workspace: str, user_id: str, actor: Actor) -> None:
    view = await dashboard(deps, actor, prefixes=PREFIXES)
    ids = await messenger.slack_ids(view, workspace)
    blocks = surface_blocks(view, ids, messenger.translate(view, MORE))
    try:
        await messenger.client.views_publish(user_id=user_id, view={"type": "home", "blocks": blocks},
                                             **await messenger.auth(workspace))
    except CALL_FAILED as exc:
        log.warning("views.publish failed: %s", api_error(exc))
    except DeliveryError as exc:  # uninstalled meanwhile
        log.warning("views.publish not called: %s", exc)
