"""What every dashboard page shares: the reader's language, the labels (msgids here, so the catalogs extract them),
the Jinja2 templates, and the response headers (no caching, no referrer, a strict content security policy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.web.render import text
from bot.kernel.context import Deps
from bot.kernel.i18n import N_, SUPPORTED_LOCALES, Translator, normalize_locale
from bot.kernel.views import plain_mentions
from storage.models import Person

HERE = Path(__file__).parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)
TEMPLATES.filters["chat"] = text  # mentions as @Name, line breaks kept
TEMPLATES.filters["plain"] = plain_mentions
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # a sign-in link in the address bar never travels to another site
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
LABELS = {
    "product": N_("feedbot dashboard"), "me": N_("Me"), "team": N_("Team"), "ideas": N_("Ideas"),
    "pulse": N_("Pulse"), "admin": N_("Admin"), "sign_out": N_("Sign out"), "skip": N_("Skip to the content"),
    "signed_in_as": N_("Signed in as {name}"), "menu": N_("Pages"),
    "sign_in": N_("Sign in"), "continue": N_("Continue"), "sign_in_with": N_("Sign in with {provider}"),
    "sign_in_how": N_("Type {command} to feedbot in Slack, Teams or the console: it replies with a private link that "
                      "signs you in here. A link works once and for a few minutes."),
    "link_used": N_("This sign-in link is used, expired or not valid. Ask feedbot for a new one with {command}."),
    "link_ready": N_("Continue to sign in to your feedbot dashboard."),
    "signed_out": N_("You are signed out."),
    "filter": N_("Show"), "all": N_("All ideas"), "mine": N_("My ideas"), "owned": N_("Ideas I own"),
    "voted": N_("Ideas I voted for"), "search": N_("Search"), "apply": N_("Apply"),
    "votes": N_("Votes"), "owner": N_("Owner"), "author": N_("Author"), "move_to": N_("Move to"),
    "note": N_("Note for its author and voters"), "move": N_("Move it"), "nobody": N_("nobody yet"),
    "no_ideas": N_("No ideas here."), "open_idea": N_("Open idea #{id}"), "board": N_("Ideas board"),
    "directory": N_("Org directory"), "people_count": N_("{n} people, {gone} of them deactivated"),
    "name": N_("Name"), "email": N_("Email"), "manager": N_("Manager"), "reports": N_("Reports"),
    "language": N_("Language"), "timezone": N_("Time zone"), "status": N_("Status"), "active": N_("active"),
    "deactivated": N_("deactivated"), "teams": N_("Teams"), "members": N_("Members"),
    "settings": N_("Settings (read-only; secrets are hidden)"), "surveys": N_("Surveys"),
    "import_hint": N_("The directory comes from {command}; each import prints its report of every row."),
    "last_import": N_("Last import"), "no_import": N_("No import yet."), "file": N_("File"), "when": N_("When"),
    "import_refused": N_("Refused: the file has problems, so nothing was imported."),
    "import_done": N_("Imported."), "row": N_("Row"), "problem": N_("Problem"), "count": N_("People"),
    "added": N_("Added"), "updated": N_("Updated"), "unchanged": N_("Unchanged"), "deactivated_now": N_("Deactivated"),
    "missing": N_("Not in the file, still active"),
    "back": N_("Back"), "my_expectations": N_("My expectations"),
    # objectives.html, growth.html, org_objectives.html
    "my_objectives": N_("My objectives"), "team_objectives": N_("Team objectives"),
    "no_objectives": N_("No open objectives. Add one in the chat: {command}"),
    "no_team_objectives": N_("Your team has no team objectives yet."),
    "level_company": N_("company objective"), "level_team": N_("team objective"),
    "due": N_("due {due}"), "serves": N_("serves {objective}"),
    "kr_line": N_("{ref} {title}: {current} ({start} → {target}, {progress}%)"),
    "needs_attention": N_("Key results that need attention"),
    "no_attention": N_("None: every key result of your reports was updated in the last three weeks and none is off "
                       "track."),
    "my_plan": N_("Your development plan"),
    "plan_empty": N_("Your development plan is empty. Add what you want to learn: {example}"),
    "by_date": N_("(by {date})"), "agreed": N_("agreed ✓"), "not_agreed": N_("not agreed yet"),
    "plans": N_("Development plans"), "open_items": N_("Open items"), "no_plan": N_("no plan yet"),
    "plans_private": N_("A plan's items are seen by the person and their manager only."),
    "goals_and_growth": N_("Objectives and development plans"), "at_risk": N_("Objectives at risk"),
    "no_team": N_("No team"), "no_risk": N_("No objective has a key result at risk or off track."),
    "plans_count": N_("Development plans: {people} people with a plan; {done} items done in {quarter}."),
    "counts_only": N_("Counts only: objectives and plans themselves are seen by their owner and their manager."),
}


def locale_of(deps: Deps, request: web.Request, person: Person | None) -> str:
    """The person's chosen language, else the browser's first supported one, else the organisation's."""
    if person is not None and person.locale:
        return person.locale
    for part in request.headers.get("Accept-Language", "").split(","):
        locale = normalize_locale(part.split(";")[0].strip())
        if locale in SUPPORTED_LOCALES:
            return locale
    return deps.settings.org.default_locale


def labels(t: Translator) -> dict[str, str]:
    return {key: t(msgid) for key, msgid in LABELS.items() if "{" not in msgid}


def page(t: Translator, template: str, *, status: int = 200, **context: Any) -> web.Response:
    html = TEMPLATES.get_template(template).render(t=t, l=labels(t), m=LABELS, lang=t.locale.replace("_", "-"),
                                                   **context)
    return web.Response(text=html, status=status, content_type="text/html", headers=HEADERS)
