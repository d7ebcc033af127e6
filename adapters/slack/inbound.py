"""Slack requests → core calls → replies. Each handler runs after the request was acknowledged (except a
modal submission, whose answer *is* the acknowledgement); the platform sends the outbox afterwards."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.outage import Patience
from adapters.platform import failure_view
from adapters.slack.blocks import MORE, cut, pages, unescape
from adapters.slack.errors import CALL_FAILED, UNREACHABLE, api_error
from adapters.slack.grammar import FEEDBOT_COMMAND, PREFIXES
from adapters.slack.home import publish_home
from adapters.slack.messenger import SlackMessenger
from adapters.slack.modals import LABEL, form_modal, notice_modal, read_metadata, submitted_values
from adapters.slack.people import Profiles
from bot.core import handle_command, handle_interaction, handle_message
from bot.kernel.context import Deps
from bot.kernel.i18n import N_
from bot.kernel.messages import Actor, Command, Interaction, MentionRef, Message
from bot.kernel.outbox import DeliveryError
from bot.kernel.views import Button, Buttons, Chart, Form, View
from storage.db import unavailable

log = logging.getLogger(__name__)

PROFILE_WAIT = 1.0  # seconds a modal submission waits for users.info: its answer is the 3-second ack
CLOSE = N_("Cancel")


@dataclass(frozen=True)
class Where:
    """Whom a reply is for and what Slack gave us to answer with."""

    workspace: str
    user_id: str
    channel: str = ""
    response_url: str = ""
    trigger_id: str = ""
    command: str = ""  # what the person typed, so a form that cannot open yet gets a button standing for it
    home: bool = False  # pressed on the App Home tab: refresh it afterwards


class Inbound:
    def __init__(self, deps: Deps, profiles: Profiles, messenger: SlackMessenger,
                 retry_handlers: list[AsyncRetryHandler], patience: Patience | None = None) -> None:
        self.deps = deps
        self.patience = patience
        self.profiles = profiles
        self.messenger = messenger
        self.client = messenger.client
        self.retry_handlers = retry_handlers

    # ---- requests ----

    async def command(self, body: dict[str, Any]) -> None:
        """A slash command: /kudos @ana thanks → the kudos command; /feedbot X … → the X command."""
        team, user, raw = body.get("team_id", ""), body.get("user_id", ""), body.get("text") or ""
        name, text = body.get("command", "").lstrip("/"), raw.strip()
        if name == FEEDBOT_COMMAND:
            first, _, text = text.partition(" ")
            name = first or "help"
        actor = await self.profiles.actor(team, user)
        mentions = await self.mentions(team, text)
        views = await self.safely(actor, lambda: handle_command(self.deps, Command(
            actor=actor, name=name, text=unescape(text), mentions=mentions, prefixes=PREFIXES,
            conversation=body.get("channel_id", ""), reply_handle=body.get("response_url", ""))))
        await self.reply(views, Where(team, user, body.get("channel_id", ""), body.get("response_url", ""),
                                      body.get("trigger_id", ""), command=f"{name} {text}".strip()))

    async def action(self, body: dict[str, Any]) -> None:
        """A button: its value is the command it stands for (`idea vote 12`, `pulse answer 3`)."""
        team, user = _team(body), body["user"]["id"]
        command = body["actions"][0].get("value") or ""
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
        home = (body.get("view") or {}).get("type") == "home"
        actor = await self.profiles.actor(team, user)
        mentions = await self.mentions(team, command)  # a button made from a typed command may hold some
        views = await self.safely(actor, lambda: handle_message(self.deps, Message(
            actor=actor, text=command, mentions=mentions, prefixes=PREFIXES,
            conversation=channel, reply_handle=body.get("response_url", ""))))
        where = Where(team, user, channel, body.get("response_url", ""), body.get("trigger_id", ""), command, home)
        await self.reply(views, where)
        if home:
            await publish_home(self.deps, self.messenger, team, user, actor)

    async def submission(self, body: dict[str, Any]) -> tuple[dict[str, Any], list[View], Where]:
        """A submitted modal: the acknowledgement (inline errors, an updated modal, or close) and what to
        reply after it."""
        team, user, modal = _team(body), body["user"]["id"], body["view"]
        meta = read_metadata(modal)
        actor = await self.profiles.actor(team, user, wait=PROFILE_WAIT)
        views = await self.safely(actor, lambda: handle_interaction(self.deps, Interaction(
            actor=actor, command=meta.get("c", ""), values=submitted_values(modal.get("state") or {}),
            prefixes=PREFIXES, conversation=meta.get("ch", ""), reply_handle=meta.get("r", ""))),
            patient=False)  # its answer is the ack, due within 3 seconds: it cannot wait for the database
        where = Where(team, user, meta.get("ch", ""), meta.get("r", ""))
        asked = {block.get("block_id") for block in modal.get("blocks", []) if block.get("type") == "input"}
        for view in views:
            errors = {name: cut(message, LABEL) for name, message in view.field_errors.items() if name in asked}
            if errors:
                return {"response_action": "errors", "errors": errors}, [], where
            form = view.form()
            if form is not None:
                return {"response_action": "update", "view": await self.modal(view, form, where)}, [], where
            if view.is_error:  # refused as a whole (the survey closed meanwhile): say so in the modal
                ids = await self.messenger.slack_ids(view, team)
                t = self.messenger.translate
                return {"response_action": "update", "view": notice_modal(
                    view, ids, close=t(view, CLOSE), more=t(view, MORE))}, [], where
        return {}, views, where

    async def home_opened(self, event: dict[str, Any], team: str) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await self.profiles.actor(team, event["user"])
        await publish_home(self.deps, self.messenger, team, event["user"], actor)

    async def message(self, event: dict[str, Any], team: str, bot_user: str) -> None:
        """Text in a DM with the bot, or a channel message mentioning it: the same grammar, without the slash."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, joins, other bots: not commands
        text = event.get("text") or ""
        if event.get("type") == "app_mention":
            text = text.replace(f"<@{bot_user}>", "", 1)
        elif event.get("channel_type") != "im":
            return
        text = text.strip()
        actor = await self.profiles.actor(team, event["user"])
        mentions = [m for m in await self.mentions(team, text) if m.user_id != bot_user]
        views = await self.safely(actor, lambda: handle_message(self.deps, Message(
            actor=actor, text=unescape(text), mentions=mentions, prefixes=PREFIXES,
            conversation=event.get("channel", ""))))
        await self.reply(views, Where(team, event["user"], event.get("channel", ""),
                                      command=text.lstrip("/")))

    async def mentions(self, team: str, text: str) -> list[MentionRef]:
        """`<@U…>` → people, with what their Slack profile says: the core meets a colleague it does not know
        yet by that email (bots, guests without an email and deactivated users have none, so the core explains
        that it does not know them)."""
        return [MentionRef(token=token, user_id=profile.user_id, email=profile.email, name=profile.name,
                           locale=profile.locale, timezone=profile.timezone)
                for token, profile in await self.profiles.mentioned(team, text)]

    async def safely(self, actor: Actor, call: Callable[[], Awaitable[list[View]]], *,
                     patient: bool = True) -> list[View]:
        """The core's answer; a bug is logged and the person told that nothing was saved (the core's
        transaction was rolled back), instead of silence. `patient`: acknowledged work waits for a database out
        of reach (adapters/outage.py), so the command is done once it is back instead of lost."""
        try:
            return await (self.patience.run(call) if patient and self.patience is not None else call())
        except Exception as exc:
            reason = unavailable(exc, self.deps.settings.database.url)
            if reason is None:
                log.exception("Slack: the core failed on a request")
            else:
                log.error("Slack: a request was not handled, the database cannot be used: %s", reason)
            return [await failure_view(self.deps, actor.platform, actor.workspace, actor.user_id, actor.locale)]

    # ---- replies ----

    async def reply(self, views: list[View], where: Where) -> None:
        for view in views:
            form = view.form()
            if form is not None and where.trigger_id and await self.open_modal(view, form, where):
                continue
            if form is not None and where.command:  # no trigger to open it with: a button that opens it
                view = view.model_copy(update={"blocks": [
                    Buttons(buttons=[Button(label=form.title, command=where.command, style="primary")])
                    if block is form else block for block in view.blocks]})
            await self.answer(view, where)

    async def open_modal(self, view: View, form: Form, where: Where) -> bool:
        try:
            await self.client.views_open(trigger_id=where.trigger_id, view=await self.modal(view, form, where),
                                         **await self.messenger.auth(where.workspace))
        except CALL_FAILED as exc:  # the trigger expired (3 s): fall back to a button
            log.warning("views.open failed: %s", api_error(exc))
            return False
        except DeliveryError as exc:  # uninstalled meanwhile: the answer goes the same way, and fails the same
            log.warning("views.open not called: %s", exc)
            return False
        return True

    async def modal(self, view: View, form: Form, where: Where) -> dict[str, Any]:
        ids = await self.messenger.slack_ids(view, where.workspace)
        t = self.messenger.translate
        return form_modal(view, form, ids, close=t(view, CLOSE), more=t(view, MORE),
                          metadata={"c": form.command, "ch": where.channel, "r": where.response_url})

    async def answer(self, view: View, where: Where) -> None:
        """Through the response_url when there is one (ephemeral or in the channel), else in the DM channel
        the person wrote in, else by DM. Charts follow as images in the person's DM."""
        try:
            if where.response_url:
                answered, parts = await self._respond(view, where)
                if answered < parts:  # expired, used up (five answers) or unreachable: the rest by DM
                    await self.messenger.send_to_user(where.workspace, where.user_id, view, skip=answered)
                elif any(isinstance(block, Chart) for block in view.blocks):
                    dm = await self.messenger.dm_channel(where.workspace, where.user_id)
                    await self.messenger.upload_charts(dm, view, where.workspace)
            elif where.channel.startswith("D"):
                await self.messenger.post(where.channel, view, where.workspace)
            elif where.channel and not where.home:
                await self.messenger.post(where.channel, view, where.workspace,
                                          ephemeral_user=where.user_id if view.ephemeral else None)
            else:
                await self.messenger.send_to_user(where.workspace, where.user_id, view)
        except DeliveryError as exc:
            log.warning("a Slack reply could not be sent: %s", exc)

    async def _respond(self, view: View, where: Where) -> tuple[int, int]:
        """Answer through the response_url, a message per part, until Slack refuses one; returns how many
        parts it took, and how many there are."""
        hook = AsyncWebhookClient(where.response_url, session=self.client.session, retry_handlers=self.retry_handlers)
        kind = "ephemeral" if view.ephemeral else "in_channel"
        parts = pages(view, await self.messenger.slack_ids(view, where.workspace), self.messenger.translate(view, MORE))
        for number, page in enumerate(parts):
            try:
                response = await hook.send_dict({"response_type": kind, "replace_original": False, **page.payload()})
                status = str(response.status_code)
            except UNREACHABLE as exc:
                status = api_error(exc)
            if status != "200":
                log.warning("response_url answered %s", status)
                return number, len(parts)
        return len(parts), len(parts)



def _team(body: dict[str, Any]) -> str:
    return (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id", "")
