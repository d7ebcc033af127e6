"""Who is asking: the session behind a request (else the sign-in page, 401), their translator and actor, and the
checks every form post passes (its CSRF token, and an Origin, when sent, that is this server's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from adapters.web import session as sessions
from adapters.web.chrome import locale_of, page
from adapters.web.session import Session
from bot.kernel.context import Deps
from bot.kernel.i18n import Translator
from bot.kernel.messages import Actor

WEB = "web"  # Actor.platform of the dashboard: the person's web "account", linked by email like any other
NAV = (("me", "/dashboard/me"), ("team", "/dashboard/team"), ("ideas", "/dashboard/ideas"),
       ("pulse", "/dashboard/pulse"))
Handler = Callable[[web.Request, "Reader"], Awaitable[web.StreamResponse]]


class Reader:
    """A signed-in person reading a page: their session, language and actor."""

    def __init__(self, deps: Deps, request: web.Request, session: Session) -> None:
        self.deps, self.request, self.session = deps, request, session
        self.t: Translator = deps.catalogs.translator(locale_of(deps, request, session.person))
        person = session.person
        self.actor = Actor(platform=WEB, user_id=person.uid, email=person.email, name=person.name)

    @property
    def nav(self) -> list[tuple[str, str]]:
        admin = self.session.person.email in self.deps.settings.org.admins  # the link only: the core decides
        return [*NAV, ("admin", "/dashboard/admin")] if admin else list(NAV)

    def page(self, template: str, current: str, title: str, *, status: int = 200, **context: object) -> web.Response:
        return page(self.t, template, status=status, title=title, session=self.session, nav=self.nav,
                    current=current, **context)


def sign_in_page(deps: Deps, request: web.Request, message: str = "", status: int = 401) -> web.Response:
    t = deps.catalogs.translator(locale_of(deps, request, None))
    providers = [(name, client.label) for name, client in deps.settings.dashboard.oidc.enabled()]
    return page(t, "signin.html", status=status, title=t("Sign in"), session=None, message=message,
                providers=providers)


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def signed_in(deps: Deps, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Run `handler` for a signed-in person; anyone else gets the sign-in page and no data. A post must carry
    the session's CSRF token."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        session = await sessions.current(request, deps)
        if session is None:
            return sign_in_page(deps, request)
        if request.method == "POST":
            form = await request.post()
            if not same_origin(request) or not sessions.csrf_ok(session, str(form.get("csrf", ""))):
                raise web.HTTPForbidden(text="CSRF check failed", headers={"Cache-Control": "no-store"})
        return await handler(request, Reader(deps, request, session))

    return guarded
