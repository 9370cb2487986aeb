"""The FastAPI app factory: `create_app(settings)` builds everything; nothing at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
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
    notes,
    practice,
    preferences,
    results,
    search,
    study,
)
from examprep.web.errors import install_error_pages
from examprep.web.pages import HERE, make_templates
from examprep.web.security import install_origin_check
from examprep.web.sessions import Sessions

if TYPE_CHECKING:
    from fastapi import FastAPI

    from examprep.config import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def create_app(settings: Settings, *, clock: Callable[[], dt.datetime] | None = None) -> FastAPI:
    """The web app over the services for `settings` (local mode: the one learner, no login)."""
    context = open_context(settings, clock=clock)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Open the database and load the pack once, before the first request races to do it.
        _ = context.engine, context.pack
        yield
        context.close()

    app = FastAPI(
        title="examprep", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.context = context
    # A secret key turns on team mode: accounts, signed session cookies, CSRF tokens.
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    app.state.sessions = Sessions(secret) if secret else None
    app.state.templates = make_templates()
    install_error_pages(app)
    install_origin_check(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    routers = (dashboard, exams, results, practice, study, cards, notes, search, advisor)
    for module in (*routers, cohort, preferences, accounts):
        app.include_router(module.router)
    return app


def app_from_environment() -> FastAPI:
    """The app for `examprep serve`: settings from EXAMPREP_* variables."""
    return create_app(load_settings())
