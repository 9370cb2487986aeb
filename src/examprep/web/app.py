"""The FastAPI app factory: `create_app(settings)` builds everything; nothing at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from examprep.config import load_settings
from examprep.services import open_context
from examprep.web import (
    accounts,
    advisor,
    cards,
    cohort,
    dashboard,
    exams,
    library,
    notes,
    practice,
    preferences,
    results,
    search,
    study,
)
from examprep.web.errors import configure_logging, install_error_pages
from examprep.web.pages import HERE, make_templates
from examprep.web.security import install_origin_check, refuse_control_characters
from examprep.web.sessions import Sessions

if TYPE_CHECKING:
    from fastapi import FastAPI

    from examprep.config import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def create_app(settings: Settings, *, clock: Callable[[], dt.datetime] | None = None) -> FastAPI:
    """The web app over the services for `settings` (local mode: the one learner, no login).

    Team mode when EXAMPREP_SECRET_KEY is set at all; a short or empty key is refused here too,
    so no way of starting the app turns a mistyped key into local mode.
    """
    secret = settings.session_secret()  # before anything is opened: a short key is refused
    context = open_context(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Open the database and load the pack once, before the first request races to do it.
        _ = context.engine, context.pack
        yield
        context.close()

    app = FastAPI(
        title="examprep",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.context = context
    # A secret key turns on team mode: accounts, session records, signed cookies, CSRF tokens.
    app.state.sessions = (
        None if secret is None else Sessions(secret, secure=settings.secure_cookies)
    )
    app.state.sign_in_gate = accounts.SignInGate()
    app.state.templates = make_templates(settings.resolved_cache_dir())
    install_error_pages(app)
    install_origin_check(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    routers = (dashboard, exams, results, practice, study, library, cards, notes, search, advisor)
    for module in (*routers, cohort, preferences, accounts):
        app.include_router(module.router)
    return app


def app_from_environment() -> FastAPI:
    """The app for `examprep serve`: settings from EXAMPREP_* variables."""
    configure_logging()
    return create_app(load_settings())
