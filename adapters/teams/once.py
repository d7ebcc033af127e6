"""Teams messages exactly once through a replica's death, where Microsoft Graph may be read (`[teams.graph]`).

The Bot Connector takes no idempotency key, so each outbox message carries its row's mark in its card
(adapters/teams/marks.py), and the replica that takes a dead claim over reads the person's 1:1 chat through Graph
before sending the row again (`sent_before`): found, the row is recorded with the message's receipt — the Graph
chatMessage id is the activity id in that chat, so a later update or delete works as after any send. Anything Graph
cannot answer is logged in one line and the row is sent: a message twice is better than none. Without Graph the
messenger is the plain TeamsMessenger (the platform picks), so nothing changes."""

from __future__ import annotations

import logging
from datetime import datetime

from adapters.teams.graph import Graph, GraphError
from adapters.teams.marks import carries
from adapters.teams.messenger import TeamsMessenger, receipt
from adapters.teams.people import PLATFORM
from bot.kernel.outbox import Receipt, Recipient
from bot.kernel.views import View

log = logging.getLogger(__name__)


class OnceMessenger(TeamsMessenger):
    graph: Graph | None = None  # set when the platform starts (it owns the HTTP session)

    async def send_once(self, recipient: Recipient, view: View, mark: str) -> Receipt:
        return await self.send(recipient, view, mark)

    async def sent_before(self, recipient: Recipient, mark: str, since: datetime) -> Receipt | None:
        """The receipt of the message carrying `mark` the bot posted in the recipient's 1:1 chat since `since`; None
        when there is none, or it cannot be looked for (a channel post, a chat never opened, Graph refusing)."""
        account = recipient.reachable(PLATFORM)
        address = (account.data or {}) if account is not None else {}
        if recipient.channel or account is None or self.graph is None or not address.get("conversation"):
            return None  # no chat known: the sender that died would have stored the one it opened before sending
        tenant = str(address.get("tenant") or account.workspace)
        try:
            chat = await self.graph.chat_with(tenant, account.user_id)
            if chat is None:
                log.warning("Teams: the bot is not installed for a person Graph was asked about: sending their "
                            "message (delivery mark %s)", mark)
                return None
            async for message in self.graph.messages_since(tenant, chat, since):
                if carries(message, mark, self.settings.app_id):
                    found = str(message.get("id") or "")
                    return receipt(str(address["service_url"]), str(address["conversation"]), [found])
        except GraphError as exc:
            log.warning("Teams: could not look for a message that may have been sent (Graph: %s): sending it", exc)
        return None
