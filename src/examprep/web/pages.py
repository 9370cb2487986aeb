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
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from examprep.errors import ExamprepError, Forbidden, NotFound
from examprep.services import Context, session_account
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

    @property
    def links(self) -> list[tuple[str, str, bool]]:
        """The main pages (and the cohort, for instructors) with the current one marked."""
        extra = (("/cohort", "Cohort"),) if self.role == "instructor" else ()
        return [(href, label, self.is_current(href)) for href, label in (*self.nav, *extra)]

    def is_current(self, href: str) -> bool:
        if href == "/":
            return self.path == "/"
        return self.path == href or self.path.startswith(href + "/")


@cache
def markdown_parser() -> MarkdownIt:

    # HTML disabled: raw tags in pack text are shown as text, never interpreted. Tables (GFM)
    # on; each table sits in a scrolling frame so a wide one never widens the page on a phone.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _table_open(*_args: Any, **_kwargs: Any) -> str:
    return '<div class="table-wrap" tabindex="0">\n<table>\n'


def _table_close(*_args: Any, **_kwargs: Any) -> str:
    return "</table>\n</div>\n"


def markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML disabled and unsafe link schemes refused."""
    return Markup(markdown_parser().render(text))  # safe: markdown-it escapes raw HTML itself


def percent(value: float | None, digits: int = 0) -> str:
    """0.734 -> '73 %' (or an em dash for None)."""
    return "—" if value is None else f"{value * 100:.{digits}f} %"


def utc(moment: dt.datetime | None) -> str:
    return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def make_templates(cache_dir: Path | None = None) -> Jinja2Templates:
    """Templates with autoescaping on for every file and undefined names as errors.

    With `cache_dir`, compiled templates are kept in its `templates` folder, so a new server
    process renders its first pages without compiling them again; Jinja checks each entry
    against its template's source and its own version, so an edited template or another Jinja
    never uses an old entry, and the folder is safe to delete.
    """
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        bytecode_cache=_bytecode_cache(cache_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(markdown=markdown, percent=percent, utc=utc, duration=duration)
    env.globals["asset"] = asset
    return Jinja2Templates(env=env)


def _bytecode_cache(cache_dir: Path | None) -> FileSystemBytecodeCache | None:
    if cache_dir is None:
        return None
    folder = cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # an unwritable cache folder only costs compiling the templates
    return FileSystemBytecodeCache(str(folder))


@cache
def asset(name: str) -> str:
    """A static file's address with its content's hash: browsers may keep it for good (a new
    version has a new address), so a page needs no request for its stylesheet or script."""
    import hashlib

    digest = hashlib.sha256((HERE / "static" / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"


async def learner_context(request: Request) -> Context:
    """The services context of the learner making this request.

    Local mode: the one learner of the settings. Team mode: the signed-in learner, whose
    session record and account are checked on every request (so signing out, disabling the
    account or a new password takes effect at once, in every server process); a form must carry
    the session's CSRF token.
    """
    base: Context = request.app.state.context
    sessions: Sessions | None = request.app.state.sessions
    if sessions is None:
        return base

    token = sessions.token(request)
    if token is None:
        raise SignInRequired
    account = await run_in_threadpool(session_account, base, token)
    if account is None:
        raise SignInRequired
    if request.method not in ("GET", "HEAD"):
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not sessions.csrf_ok(token, sent):
            raise Forbidden("this form has expired or was not sent by examprep; reload the page")
    request.state.learner = account.name
    request.state.role = account.role
    request.state.session_token = token
    request.state.csrf = sessions.csrf_token(token)
    return for_learner(base, account.name)


MAX_ID = 2**63 - 1  # the largest id a database column holds


def attempt_id(attempt: Annotated[int, PathParam()]) -> int:
    """An attempt id from the address; one no database can hold is simply not found."""
    if not 1 <= attempt <= MAX_ID:
        raise NotFound(f"no attempt {attempt}")
    return attempt


def position_in_form(position: Annotated[int, PathParam()]) -> int:
    if not 1 <= position <= MAX_ID:
        raise NotFound(f"no question {position} in this attempt")
    return position


# Typed dependencies and path parameters shared by every router.
Ctx = Annotated[Context, Depends(learner_context)]
AttemptId = Annotated[int, Depends(attempt_id)]
Position = Annotated[int, Depends(position_in_form)]


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


@dataclass(frozen=True)
class PassMark:
    """The pass mark in use and where it comes from, for the one sentence every page shows."""

    mark: float
    pack_mark: float
    is_default: bool
    note: str  # the pack's word on why the pass mark is an assumption


def pass_mark(ctx: Context, mark: float, is_default: bool) -> PassMark:
    meta = ctx.pack.meta
    return PassMark(mark, meta.pass_mark, is_default, meta.pass_mark_note)
