"""The core's one entry point: a neutral Command in, views out, one transaction per command."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.help import feature_help
from bot.kernel.context import Context, Deps
from bot.kernel.errors import InvalidForm, UserError
from bot.kernel.messages import Actor, Command, Interaction, Message
from bot.kernel.people import is_email, meet_mentioned, resolve_actor, resolve_mention
from bot.kernel.views import View, error_view, text_view
from bot.rhythm.dispatch import dispatch_pending


async def handle_command(deps: Deps, command: Command) -> list[View]:
    """Run one command. A person's mistake is answered in their language and nothing is written.

    Messages to others are left in the outbox: the adapter replies first, then calls `deliver`.
    """
    t = deps.catalogs.translator(command.actor.locale or deps.settings.org.default_locale)
    try:
        async with deps.uow() as uow:
            now = deps.clock.now()
            me = await resolve_actor(uow, command.actor, now)
            await meet_mentioned(uow, command.actor, command.mentions, now)
            t = deps.catalogs.translator(me.locale or command.actor.locale or deps.settings.org.default_locale)
            ctx = Context(deps=deps, uow=uow, actor=command.actor, me=me, t=t, now=now,
                          prefix=command.prefix, prefixes=command.prefixes, mentions=tuple(command.mentions),
                          values=dict(command.values))
            views = await _route(ctx, command.name.lower().lstrip("/"), command.text)
    except InvalidForm as exc:
        views = [error_view(t(exc.message)).model_copy(update={"field_errors": {
            error.field: t(error.message, **error.params) for error in exc.errors}})]
    except UserError as exc:
        views = [error_view(t(exc.message, **exc.params))]
    return [view.model_copy(update={"locale": t.locale}) for view in views]


T = TypeVar("T")


async def read(deps: Deps, actor: Actor, build: Callable[[Context], Awaitable[T]]) -> T:
    """A read-model for `actor` (the web dashboard's ideas board, its admin page), built with the same Context and
    rules as a command. A refusal raises UserError, for the adapter to put in the reader's language."""
    async with deps.uow() as uow:
        now = deps.clock.now()
        me = await resolve_actor(uow, actor, now)
        t = deps.catalogs.translator(me.locale or actor.locale or deps.settings.org.default_locale)
        return await build(Context(deps=deps, uow=uow, actor=actor, me=me, t=t, now=now))


async def deliver(deps: Deps, stop: Callable[[], bool] = lambda: False) -> int:
    """Send what the last commands left in the outbox (after the reply, off the platform's ack path); `stop`
    ends it between batches (shutting down)."""
    return await dispatch_pending(deps, stop=stop)


async def introduce(deps: Deps, actor: Actor, prefix: str = "/") -> View:
    """Make sure the person behind `actor` exists (created on first contact) and greet them; `prefix` is how
    commands are typed on their platform."""
    t = deps.catalogs.translator(actor.locale or deps.settings.org.default_locale)
    try:
        async with deps.uow() as uow:
            me = await resolve_actor(uow, actor, deps.clock.now())
            t = deps.catalogs.translator(me.locale or deps.settings.org.default_locale)
            return text_view(t("You are {name} ({email}). Type {help} to see what I can do.",
                               name=me.name, email=me.email, help=f"{prefix}help"))
    except UserError as exc:
        return error_view(t(exc.message, **exc.params))


async def person_named(deps: Deps, actor: Actor, text: str) -> tuple[str | None, View | None]:
    """Whom the console's `/as X` means: an email as written (met on first contact, like any platform account),
    or `bo`/`@bo` as a mention would resolve it. Nobody fits: None and the reason, in the actor's language."""
    handle = text.strip().removeprefix("@")
    if is_email(handle.lower()):
        return handle.lower(), None
    async with deps.uow() as uow:
        me = await uow.people.by_account(actor.platform, actor.workspace, actor.user_id)
        t = deps.catalogs.translator(me.locale if me and me.locale else deps.settings.org.default_locale)
        try:
            return (await resolve_mention(uow, "@" + handle)).email, None
        except UserError as exc:
            return None, error_view(t(exc.message, **exc.params))


async def cancelled(deps: Deps, actor: Actor) -> View:
    """The answer to abandoning a form: nothing was saved."""
    async with deps.uow() as uow:
        person = await uow.people.by_account(actor.platform, actor.workspace, actor.user_id)
        t = deps.catalogs.translator(person.locale if person else deps.settings.org.default_locale)
    return text_view(t("Cancelled — nothing was saved."))


async def handle_interaction(deps: Deps, interaction: Interaction) -> list[View]:
    """A button or a submitted form stands for a command, so pressing it is typing that command."""
    name, _, text = interaction.command.partition(" ")
    return await handle_command(deps, Command(**interaction.carried(), name=name, text=text,
                                              values=interaction.values))


async def handle_message(deps: Deps, message: Message) -> list[View]:
    """Free text: `kudos @ana thanks` is the kudos command (Teams has no slash commands)."""
    name, _, text = message.text.strip().lstrip("/").partition(" ")
    return await handle_command(deps, Command(**message.carried(), name=name or "help", text=text,
                                              mentions=message.mentions))


async def _route(ctx: Context, name: str, text: str) -> list[View]:
    feature = ctx.deps.commands.get(name)
    if feature is None:
        close = difflib.get_close_matches(name, ctx.deps.commands, n=1)
        if close:
            raise UserError("There is no command {command}. Did you mean {suggestion}? Type {help} for the list.",
                            command=ctx.cmd(name), suggestion=ctx.cmd(close[0]), help=ctx.cmd("help"))
        raise UserError("There is no command {command}. Type {help} for the list of commands.",
                        command=ctx.cmd(name), help=ctx.cmd("help"))
    if text.strip().lower() == "help":  # `/idea help` is `/help idea`, for every command
        return [feature_help(ctx, name, feature)]
    result = await feature.handle(ctx, text.strip())
    return result if isinstance(result, list) else [result]
