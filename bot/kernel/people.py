"""Who is who: platform accounts linked to people by email, and @mentions resolved to people."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel import columns
from bot.kernel.errors import UserError
from bot.kernel.i18n import normalize_locale
from bot.kernel.messages import Actor, MentionRef
from bot.kernel.views import mention
from storage.models import Account, Person
from storage.uow import UnitOfWork

# `@ana`, `@ana.lima`, `@ana@example.com`; a full stop after a mention is punctuation (`@yu. Thanks`), and an
# email address in the text (`mail x@y.com`) is not a mention.
MENTION_TOKEN = re.compile(r"(?<![\w@])@[\w+'-]+(?:\.[\w+'-]+)*(?:@[\w-]+(?:\.[\w-]+)+)?")
EMAIL = re.compile(r"^[^@\s]+@[\w-]+(\.[\w-]+)+$")


def is_email(text: str) -> bool:
    """An address as people write them, and short enough to be stored (a longer one is no one's)."""
    return len(text) <= columns.EMAIL and bool(EMAIL.match(text))


def valid_timezone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


async def resolve_actor(uow: UnitOfWork, actor: Actor, now: datetime) -> Person:
    """The person behind a platform account: linked before, found by email, or created on first contact."""
    person = await uow.people.by_account(actor.platform, actor.workspace, actor.user_id)
    if person is None:
        email = (actor.email or "").strip().lower()
        if not is_email(email):
            raise UserError("I could not find your email address, so I cannot tell who you are. "
                            "Ask an admin to add you to the org directory.")
        person = await uow.people.by_email(email)
        if person is None:
            person = Person(email=email, name=(actor.name or email.split("@", 1)[0]).strip(), created_at=now)
            if not await uow.people.add_unless_twin(person):  # created a moment ago by a concurrent request
                person = await uow.people.by_email(email)
                assert person is not None
        await uow.people.add_unless_twin(Account(person_id=person.id, platform=actor.platform,
                                                 workspace=actor.workspace, user_id=actor.user_id, created_at=now))
    if person.locale is None and normalize_locale(actor.locale):
        person.locale = normalize_locale(actor.locale)
    # The chat client's zone is where the person is now (Slack and Teams keep it current as people travel),
    # so prompts follow it; the language stays as the org file or `/language` set it.
    if valid_timezone(actor.timezone) and person.timezone != actor.timezone:
        person.timezone = actor.timezone
    return person


async def meet_mentioned(uow: UnitOfWork, actor: Actor, refs: Sequence[MentionRef], now: datetime) -> None:
    """Colleagues mentioned on a platform who never used feedbot become people now, by the email their platform
    profile gives (as on their own first contact), so kudos reach them before they ever write and a workspace
    works without an org import. In the command's transaction: a refused command meets nobody."""
    for ref in refs:
        if ref.email and is_email(ref.email.strip().lower()):
            await resolve_actor(uow, Actor(platform=actor.platform, workspace=actor.workspace, user_id=ref.user_id,
                                           email=ref.email, name=ref.name, locale=ref.locale,
                                           timezone=ref.timezone), now)


def split_mentions(text: str, refs: tuple[MentionRef, ...] = ()) -> tuple[list[str], str]:
    """Leading mention tokens and the rest: `@ana @bo thanks` → (["@ana", "@bo"], "thanks")."""
    tokens: list[str] = []
    rest = text.strip()
    while rest:
        ref = next((r.token for r in refs if rest.startswith(r.token)), None)
        match = None if ref else MENTION_TOKEN.match(rest)
        token = ref or (match.group(0) if match else None)
        if token is None:
            break
        tokens.append(token)
        rest = rest[len(token):].lstrip(" ,.:;")  # `@yu. Thanks` and `@yu: thanks` read as `@yu Thanks`
    return tokens, rest


def mentions_anywhere(text: str, refs: tuple[MentionRef, ...] = ()) -> tuple[list[str], str]:
    """Whom a message is for and the message: leading mentions as `split_mentions` reads them, else every mention
    in the text, which then stays as written (`Thanks @yu for the report` → (["@yu"], "Thanks @yu for the report"))."""
    tokens, rest = split_mentions(text, refs)
    if tokens:
        return tokens, rest
    found = sorted([(text.find(r.token), r.token) for r in refs if r.token in text] +
                   [(m.start(), m.group(0)) for m in MENTION_TOKEN.finditer(text)])
    taken: list[str] = []
    end = 0
    for start, token in found:  # a platform's token wins over a handle read inside it
        if start >= end:
            taken.append(token)
            end = start + len(token)
    return list(dict.fromkeys(taken)), text.strip()


async def resolve_mention(uow: UnitOfWork, token: str, refs: tuple[MentionRef, ...] = ()) -> Person:
    """`@bo`, `@bo@example.com`, `@Ana`, or a platform mention the adapter resolved."""
    ref = next((r for r in refs if r.token == token), None)
    if ref is not None:
        person = await uow.people.by_email(ref.email) if ref.email else None
        if person is None:
            raise UserError("I don't know {name} yet: they need to say hello to me once, or be in the org directory.",
                            name=ref.name or token)
        return person
    handle = token.removeprefix("@")
    if "@" in handle:
        person = await uow.people.by_email(handle)
        if person is None:
            raise UserError("Nobody with the email {email} is known here. Check the spelling.", email=handle)
        return person
    matches = await uow.people.matching_handle(handle)
    if not matches:
        close = await look_alikes(uow, handle)
        if close:
            raise UserError("I don't know anyone called @{name}. Did you mean {choices}?", name=handle,
                            choices=", ".join("@" + p.email for p in close))
        # Never an address made up from the handle: it would look real and reach nobody.
        raise UserError("I don't know anyone called @{name}. Check the spelling, or write their full email "
                        "address.", name=handle)
    if len(matches) > 1:
        raise UserError("@{name} could be several people: {choices}. Write the full email instead.",
                        name=handle, choices=", ".join("@" + p.email for p in matches[:5]))
    return matches[0]


async def look_alikes(uow: UnitOfWork, handle: str, limit: int = 3) -> list[Person]:
    """People in the directory whose handle or name is spelled close to `handle`: only addresses that exist."""
    people = [p for p in await uow.people.all() if p.deactivated_at is None]
    keys = {p.name.lower(): p for p in people} | {p.handle.lower(): p for p in people}
    found = difflib.get_close_matches(handle.lower(), list(keys), n=limit, cutoff=0.75)
    return list({keys[key].id: keys[key] for key in found}.values())


async def resolve_mentions(uow: UnitOfWork, tokens: list[str], refs: tuple[MentionRef, ...] = ()) -> list[Person]:
    people: list[Person] = []
    for token in tokens:
        person = await resolve_mention(uow, token, refs)
        if person not in people:
            people.append(person)
    return people


class Named(Protocol):
    """A person as a mention needs them: a Person, or a digest's column-only Member."""

    @property
    def uid(self) -> str: ...

    @property
    def name(self) -> str: ...


def who(person: Named) -> str:
    """An inline mention, rendered natively by each adapter."""
    return mention(person.uid, person.name)
