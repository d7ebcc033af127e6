"""The pages: each asks the core what the chat would answer (or its read-model) for the signed-in person and
renders it. Me is the personal dashboard, Team the digest, Pulse `/pulse results`, an idea `/idea show`; the board
and the directory are read-models built under the same rules. A refusal by the core is a 403 with its reason."""

from __future__ import annotations

import json

from aiohttp import web
from markupsafe import Markup

from adapters.platform import OutboxSender
from adapters.web.access import Reader
from adapters.web.render import Renderer
from bot.core import handle_command, handle_interaction, read
from bot.dashboard import dashboard
from bot.directory import directory
from bot.goals import board as objectives
from bot.growth import my_plan, reports_plans
from bot.ideas.board import FILTERS, board
from bot.kernel.errors import UserError
from bot.kernel.messages import Command, Interaction
from bot.kernel.views import View, error_view


def views_page(reader: Reader, current: str, title: str, views: list[View], back: str = "",
               **parts: object) -> web.Response:
    """The core's views as a page; refused (every view an error) is 403. `parts`: more parts of the page for its
    partial templates (objectives.html, growth.html, expectations.html)."""
    body = html(reader, views)
    refused = bool(views) and all(view.is_error for view in views)
    return reader.page("page.html", current, title, status=403 if refused else 200, body=body, back=back, **parts)


def html(reader: Reader, views: list[View]) -> Markup:
    renderer = Renderer(reader.session.csrf)
    return Markup("").join(renderer.view(view) for view in views)


async def command(reader: Reader, name: str, text: str = "") -> list[View]:
    return await handle_command(reader.deps, Command(actor=reader.actor, name=name, text=text))


async def me(_request: web.Request, reader: Reader) -> web.Response:
    view = await dashboard(reader.deps, reader.actor, without=frozenset({"goal"}))
    if view.is_error:
        return views_page(reader, "me", reader.t("Me"), [view])
    expectations = [v.model_copy(update={"title": ""}) for v in await command(reader, "expectations")]
    return views_page(reader, "me", view.title or reader.t("Me"), [view.model_copy(update={"title": ""})],
                      objectives=await read(reader.deps, reader.actor, objectives.mine),
                      plan=await read(reader.deps, reader.actor, my_plan), expectations=html(reader, expectations))


async def team(request: web.Request, reader: Reader) -> web.Response:
    """Your own team (`/digest`), or the organisation (`/digest org`, admins). Another manager's team is refused:
    the chat shows nobody another manager's digest."""
    whose = request.match_info.get("whose", "")
    if whose not in ("", "org", reader.session.person.uid):
        return views_page(reader, "team", reader.t("Team"), [error_view(reader.t(
            "This is another manager's team. You see your own team here, and admins the organisation."))])
    views = await command(reader, "digest", "org" if whose == "org" else "")
    title = views[0].title if not views[0].is_error else reader.t("Team")
    shown = [view.model_copy(update={"title": ""}) for view in views]
    if views[0].is_error or whose == "org":
        return views_page(reader, "team", title, shown)
    return views_page(reader, "team", title, shown, team_objectives=await read(reader.deps, reader.actor,
                                                                             objectives.team),
                      team_plans=await read(reader.deps, reader.actor, reports_plans))


async def pulse(_request: web.Request, reader: Reader) -> web.Response:
    return views_page(reader, "pulse", reader.t("Pulse results"), await command(reader, "pulse", "results"))


async def idea(request: web.Request, reader: Reader) -> web.Response:
    views = await command(reader, "idea", f"show {request.match_info['number']}")
    title = views[0].title or reader.t("Ideas")
    return views_page(reader, "ideas", title, [view.model_copy(update={"title": ""}) for view in views])


async def ideas(request: web.Request, reader: Reader) -> web.Response:
    which, search = request.query.get("show", "all"), request.query.get("q", "")[:200]
    found = await read(reader.deps, reader.actor, lambda ctx: board(ctx, which, search))
    return reader.page("board.html", "ideas", reader.t("Ideas board"), board=found, filters=FILTERS)


async def admin(_request: web.Request, reader: Reader) -> web.Response:
    try:
        found = await read(reader.deps, reader.actor, directory)
    except UserError as exc:
        return views_page(reader, "admin", reader.t("Admin"), [error_view(reader.t(exc.message, **exc.params))])
    surveys = Renderer(reader.session.csrf)
    listing = Markup("").join(surveys.view(view) for view in await command(reader, "pulse", "list"))
    shown = json.dumps(reader.deps.settings.model_dump(mode="json"), indent=2, ensure_ascii=False)
    counts = await read(reader.deps, reader.actor, objectives.organisation)
    return reader.page("admin.html", "admin", reader.t("Admin"), directory=found, surveys=listing, settings=shown,
                       org_objectives=counts)


class Actions:
    """A pressed button or a submitted form: the command it stands for, run as if typed, then the outbox sent."""

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender

    async def act(self, request: web.Request, reader: Reader) -> web.Response:
        form = await request.post()
        values = {key[2:]: str(value) for key, value in form.items() if key.startswith("v.")}
        views = await handle_interaction(reader.deps, Interaction(actor=reader.actor, command=str(form["command"]),
                                                                  values=values))
        self.sender.kick()
        back = str(form.get("back", ""))
        back = back if back.startswith("/dashboard/") and "//" not in back else "/dashboard/me"
        title = reader.t("Not done") if any(view.is_error for view in views) else reader.t("Done")
        return views_page(reader, "", title, views, back)
