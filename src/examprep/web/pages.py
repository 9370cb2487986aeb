"""What every router shares: the Jinja environment, the learner's context, rendering and forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from examprep.errors import ExamprepError, Forbidden
from examprep.services import Context, find_account
from examprep.web.sessions import Sessions, SignInRequired

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from examprep.services.views import HistoryLine

HERE = Path(__file__).parent
NAV = (
    ("/", "Dashboard"),
    ("/exams", "Exam"),
    ("/study", "Study"),
    ("/practice", "Practice"),
    ("/cards", "Cards"),
    ("/notes", "Notes"),
    ("/search", "Search"),
    ("/advisor", "Advisor"),
    ("/history", "History"),
    ("/config", "Settings"),
)


@dataclass(frozen=True)
class Chrome:
    """The frame around every page: title, learner, navigation."""

    title: str
    learner: str
    pack_title: str
    path: str
    team: bool = False  # signed-in accounts (a sign-out button, CSRF tokens in forms)
    role: str = ""
    csrf: str = ""
    nav: tuple[tuple[str, str], ...] = NAV


@cache
def _markdown() -> MarkdownIt:

    # HTML disabled: raw tags in pack text are shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML disabled and unsafe link schemes refused."""
    return Markup(_markdown().render(text))  # safe: markdown-it escapes raw HTML itself


def percent(value: float | None, digits: int = 0) -> str:
    """0.734 -> '73 %' (or an em dash for None)."""
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def utc(moment: dt.datetime | None) -> str:
    return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def make_templates() -> Jinja2Templates:
    """Templates with autoescaping on for every file and undefined names as errors."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(markdown=markdown, percent=percent, utc=utc, duration=duration)
    return Jinja2Templates(env=env)


async def learner_context(request: Request) -> Context:
    """The services context of the learner making this request.

    Local mode: the one learner of the settings. Team mode: the signed-in learner, whose
    account is checked on every request (so disabling it or changing its password takes effect
    at once, in every server process); a form must carry the session's CSRF token.
    """
    base: Context = request.app.state.context
    sessions: Sessions | None = request.app.state.sessions
    if sessions is None:
        return base

    session = sessions.read(request)
    if session is None:
        raise SignInRequired
    account = await run_in_threadpool(find_account, base, session.learner)
    if account is None or account.disabled or account.stamp != session.stamp:
        raise SignInRequired
    if request.method not in ("GET", "HEAD"):
        form = await request.form()
        token = form.get("csrf")
        if not isinstance(token, str) or not sessions.csrf_ok(session, token):
            raise Forbidden("this form has expired or was not sent by examprep; reload the page")
    request.state.learner = account.name
    request.state.role = account.role
    request.state.csrf = sessions.csrf_token(session)
    return for_learner(base, account.name)


# Typed dependencies and path parameters shared by every router.
Ctx = Annotated[Context, Depends(learner_context)]
AttemptId = Annotated[int, PathParam(ge=1)]
Position = Annotated[int, PathParam(ge=1)]


def for_learner(base: Context, learner: str) -> Context:
    """A context for `learner` sharing the app's database engine, pack and clock."""
    return Context(
        settings=base.settings.model_copy(update={"learner": learner}),
        clock=base.clock,
        _engine=base.engine,
        _pack=base.pack,
    )


def chrome(request: Request, title: str) -> Chrome:
    ctx: Context = request.app.state.context
    team = request.app.state.sessions is not None
    try:
        pack_title = ctx.pack.meta.title
    except ExamprepError:  # an error page must render even when the pack cannot be loaded
        pack_title = "no pack"
    return Chrome(
        title=title,
        learner=getattr(request.state, "learner", "" if team else ctx.learner),
        pack_title=pack_title,
        path=request.url.path,
        team=team,
        role=getattr(request.state, "role", ""),
        csrf=getattr(request.state, "csrf", ""),
    )


def render(
    request: Request, template: str, page: Any, title: str, status_code: int = 200
) -> HTMLResponse:
    """Render `template` with the typed page object and the frame around it."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        template,
        {"page": page, "chrome": chrome(request, title)},
        status_code=status_code,
    )


def see_other(url: str) -> RedirectResponse:
    """Post/Redirect/Get: after a form is handled, the browser loads `url` with GET."""
    return RedirectResponse(url, status_code=303)


@dataclass(frozen=True)
class AttemptLink:
    """A past or open attempt with where to go for it."""

    line: HistoryLine
    href: str


def attempt_url(attempt: int, mode: str, status: str) -> str:
    """Open attempts continue where they are; finished and expired ones show their result."""
    if status != "open":
        return f"/attempts/{attempt}"
    if mode == "exam":
        return f"/exams/{attempt}"
    if mode == "practice":
        return f"/practice/{attempt}"
    return f"/study/{attempt}"  # the adaptive modes: study and diagnostic


def attempt_links(lines: list[HistoryLine]) -> list[AttemptLink]:
    return [AttemptLink(x, attempt_url(x.attempt, x.mode, x.status)) for x in lines]
