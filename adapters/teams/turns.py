"""One inbound Teams activity → the core → replies (Adaptive Cards).

Typed text is the command grammar (`kudos @Ana great demo`): every message in the personal chat, and in
channels and group chats the messages that @mention the bot. Card buttons and forms arrive as Action.Submit
(a message with `value`) or Action.Execute (an `adaptiveCard/action` invoke, answered in the HTTP response).
Teams has no ephemeral messages, so what only the sender should see is sent to their personal chat when they
asked in a channel.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any, TypeVar

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse

from adapters.platform import failure_view
from adapters.teams import inbound
from adapters.teams.cards import CONTENT_TYPE, render_card, submitted
from adapters.teams.connector import to_activity
from adapters.teams.messenger import Refused, RetryPolicy, TeamsMessenger, with_retries
from adapters.teams.people import PLATFORM, Directory
from bot import core
from bot.kernel.context import Deps
from bot.kernel.messages import Actor, Interaction, MentionRef, Message
from bot.kernel.outbox import Address, DeliveryError
from bot.kernel.views import View
from storage.db import unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
SAVED = "feedbot.saved"  # turn state: the core has committed this activity's work


class TeamsTurns:
    def __init__(self, deps: Deps, directory: Directory, messenger: TeamsMessenger, policy: RetryPolicy) -> None:
        self.deps = deps
        self.directory = directory
        self.messenger = messenger
        # Replies are on the request's path, and Azure Bot Service gives up after ~15 s: retry once at most.
        self.policy = replace(policy, retries=min(policy.retries, 1))

    async def on_turn(self, tc: TurnContext, activity: dict[str, Any]) -> None:
        key = inbound.dedup_key(activity)  # names the chat: never stored or logged as it is
        tag = None if key is None else self.deps.sealer.tag(key)
        ref = "-" if tag is None else tag[:12]  # what the logs call the activity: a piece of the keyed tag
        if tag is not None and not await self._first_time(tag):
            log.info("Teams activity %s was handled before: ignored", ref)
            if activity.get("type") == "invoke":
                await tc.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200)))
            return
        self.messenger.saw(inbound.tenant_of(activity), str(activity.get("serviceUrl") or ""))
        try:
            await self._dispatch(tc, activity)
        except Refused as exc:  # the work is done and recorded; a redelivery would be ignored as a replay
            log.error("could not answer Teams activity %s: %s (%s)", ref, exc.status, exc)
        except Exception as exc:
            if tc.turn_state.get(SAVED):
                raise  # the work is saved: the mark stays, so a redelivery does not do it twice
            if unavailable(exc, self.deps.settings.database.url) is not None:
                with contextlib.suppress(Exception):  # the database may be back already; if not, the mark stays
                    await self._forget(tag)
                raise  # answered 503 (adapters/teams/platform.py): the Bot Connector may deliver it again
            # Nothing was saved (one transaction per activity): unmark it, so a redelivery runs it, and say so.
            log.exception("handling Teams activity %s failed; nothing was saved", ref)
            await self._forget(tag)
            if not await self._failed(tc, activity):
                raise  # nobody to tell (an install): answer 500, so the Bot Connector may deliver it again

    async def _dispatch(self, tc: TurnContext, activity: dict[str, Any]) -> None:
        kind = activity.get("type")
        if kind == "message":
            await self._message(tc, activity)
        elif kind == "invoke" and activity.get("name") == "adaptiveCard/action":
            await self._execute(tc, activity)
        elif inbound.bot_was_added(activity):
            await self._welcome(tc, activity)
        elif inbound.bot_was_removed(activity):
            await self._goodbye(activity)

    async def _forget(self, tag: str | None) -> None:
        if tag is not None:
            async with self.deps.uow() as uow:
                await uow.inbound.forget(PLATFORM, tag)

    async def _core(self, tc: TurnContext, work: Awaitable[T]) -> T:
        """The core's work for this activity; once it returns, its transaction is committed."""
        result = await work
        tc.turn_state[SAVED] = True
        return result

    async def _failed(self, tc: TurnContext, activity: dict[str, Any]) -> bool:
        """Tell the person who typed or pressed something that it failed; False when nobody did."""
        if activity.get("type") not in ("message", "invoke"):
            return False
        sender = inbound.user_of(activity)
        view = await failure_view(self.deps, PLATFORM, inbound.tenant_of(activity),
                                  str(sender.get("aadObjectId") or sender.get("id") or ""), inbound.locale_of(activity))
        if activity.get("type") == "invoke":
            await self._invoke_response(tc, view)
        else:
            await self._send(tc, view)
        return True

    async def _first_time(self, tag: str) -> bool:
        """Recorded as a keyed tag of the dedup key: the dedup row names no chat, and the tag cannot be recomputed
        from a guessed chat id and message time without the bot's secret."""
        async with self.deps.uow() as uow:
            return await uow.inbound.first_time(PLATFORM, tag, self.deps.clock.now())

    async def _message(self, tc: TurnContext, activity: dict[str, Any]) -> None:
        submission = inbound.card_submission(activity)
        if submission is not None:
            actor = await self.directory.actor(tc, activity)
            first, rest = await self._interact(tc, actor, activity, submission)
            if first is not None and activity.get("replyToId"):  # the form's own card shows the outcome
                await self._update(tc, activity["replyToId"], first)
            elif first is not None:
                rest = [first[0], *rest]
            await self._reply(tc, activity, actor, rest)
            return
        if not inbound.is_addressed(activity):
            return
        text, mentioned = inbound.command_text(activity)
        actor = await self.directory.actor(tc, activity)
        refs = await self.directory.mention_refs(tc, activity, mentioned)
        views = await self._core(tc, core.handle_message(self.deps, Message(
            actor=actor, text=text, mentions=refs, prefix="", conversation=_conversation_id(activity),
            reply_handle=str(activity.get("id") or ""))))
        await self._introduce_mentioned(activity, refs, mentioned)
        await self._reply(tc, activity, actor, views)

    async def _execute(self, tc: TurnContext, activity: dict[str, Any]) -> None:
        """Action.Execute must be answered with a card in the HTTP response (PLATFORM §2.4)."""
        actor = await self.directory.actor(tc, activity)
        first, rest = await self._interact(tc, actor, activity, inbound.card_submission(activity) or {})
        if first is None and rest:  # a button: its outcome replaces the card it sat on (Universal Actions)
            first, rest = (rest[0], {}), rest[1:]
        await self._invoke_response(tc, *(first or (View(), {})))
        await self._reply(tc, activity, actor, rest)

    @staticmethod
    async def _invoke_response(tc: TurnContext, view: View, values: dict[str, str] | None = None) -> None:
        await tc.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(
            status=200, body=AdaptiveCardInvokeResponse(status_code=200, type=CONTENT_TYPE,
                                                        value=render_card(view, values)))))

    async def _interact(self, tc: TurnContext, actor: Actor, activity: dict[str, Any], submission: dict[str, Any],
                        ) -> tuple[tuple[View, dict[str, str]] | None, list[View]]:
        """The card a form becomes (itself with errors, or the outcome) and the other replies.

        A button's outcome is a new message, so the card it sits on (an idea, a prompt) stays as it was.
        """
        command, values, form = submitted(submission)
        if not command:
            return None, []
        views = await self._core(tc, core.handle_interaction(self.deps, Interaction(
            actor=actor, command=command, values=values, prefix="", conversation=_conversation_id(activity),
            reply_handle=str(activity.get("id") or ""))))
        if form is None or not views:
            return None, views
        refused = next((v for v in views if v.field_errors), None)
        if refused is not None:
            again = form.model_copy(update={"blocks": [*refused.blocks, *form.blocks],
                                            "field_errors": refused.field_errors, "locale": refused.locale})
            return (again, values), [v for v in views if v is not refused]
        return (views[0], {}), views[1:]

    async def _welcome(self, tc: TurnContext, activity: dict[str, Any]) -> None:
        """Installed: remember where the installer can be reached; greet once per personal chat (Teams sends
        both installationUpdate and conversationUpdate for one install)."""
        actor = await self.directory.actor(tc, activity)
        view = await self._core(tc, core.introduce(self.deps, actor, prefix=""))
        await self._remember(actor, activity)
        if inbound.is_personal(activity) and await self._first_time(f"welcome|{_conversation_id(activity)}"):
            await self._send(tc, view)

    async def _goodbye(self, activity: dict[str, Any]) -> None:
        if not inbound.is_personal(activity):
            return
        user = inbound.user_of(activity)
        async with self.deps.uow() as uow:
            await uow.people.mark_unreachable(PLATFORM, inbound.tenant_of(activity),
                                              str(user.get("aadObjectId") or user.get("id") or ""),
                                              self.deps.clock.now())

    async def _reply(self, tc: TurnContext, activity: dict[str, Any], actor: Actor, views: list[View]) -> None:
        address = await self._remember(actor, activity)
        for view in views:
            if view.ephemeral and not inbound.is_personal(activity):
                await self._private(actor, address, view)
            else:
                await self._send(tc, view)

    async def _send(self, tc: TurnContext, view: View, values: dict[str, str] | None = None) -> None:
        await with_retries(lambda: tc.send_activity(to_activity(render_card(view, values))), self.policy)

    async def _update(self, tc: TurnContext, activity_id: str, shown: tuple[View, dict[str, str]]) -> None:
        update = to_activity(render_card(*shown))
        update.id = activity_id
        try:
            await with_retries(lambda: tc.update_activity(update), self.policy)
        except Refused as exc:  # the card is gone (deleted, too old): answer with a new one
            log.info("could not update card %s (%s): replying instead", activity_id, exc.status)
            await self._send(tc, *shown)

    async def _private(self, actor: Actor, address: dict[str, Any] | None, view: View) -> None:
        """Only for the sender: into their personal chat (asked in a channel, answered privately)."""
        try:
            await self.messenger.send_to(Address(PLATFORM, actor.workspace, actor.user_id, address), [view])
        except DeliveryError as exc:
            log.warning("could not answer privately in tenant %s: %s", actor.workspace, exc)

    async def _introduce_mentioned(self, activity: dict[str, Any], refs: list[MentionRef],
                                   mentioned: list[inbound.Mentioned]) -> None:
        """A colleague the core just met through a mention has no chat with the bot yet: remember how to open
        one (their Teams id, this service URL), so what was said about them reaches them."""
        async with self.deps.uow() as uow:
            for ref, person in zip(refs, mentioned, strict=True):
                account = await uow.people.account(PLATFORM, inbound.tenant_of(activity), ref.user_id)
                if account is not None and not account.address:
                    await uow.people.set_address(PLATFORM, account.workspace, ref.user_id, {
                        "service_url": activity.get("serviceUrl"), "tenant": account.workspace,
                        "user": person.teams_id, "bot": inbound.bot_id(activity), "conversation": None},
                        self.deps.clock.now())

    async def _remember(self, actor: Actor, activity: dict[str, Any]) -> dict[str, Any] | None:
        """Store where proactive messages reach this person, when it changed (new service URL, first personal
        chat, unreachable before). Returns the address, None when the account does not exist (yet)."""
        async with self.deps.uow() as uow:
            account = await uow.people.account(PLATFORM, actor.workspace, actor.user_id)
            if account is None:
                return None
            known = account.address or {}
            address = {"service_url": activity.get("serviceUrl"), "tenant": actor.workspace,
                       "user": inbound.user_of(activity).get("id"), "bot": inbound.bot_id(activity),
                       "conversation": _conversation_id(activity) if inbound.is_personal(activity)
                       else known.get("conversation")}
            if address != known or account.unreachable_at is not None:
                await uow.people.set_address(PLATFORM, actor.workspace, actor.user_id, address, self.deps.clock.now())
            return address


def _conversation_id(activity: dict[str, Any]) -> str:
    return str((activity.get("conversation") or {}).get("id") or "")
