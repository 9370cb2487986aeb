"""`examprep serve`: the web app on this computer (local mode: one learner, no login)."""

from __future__ import annotations

import ipaddress
import threading
import webbrowser
from typing import TYPE_CHECKING, Annotated

import typer

from examprep import services
from examprep.cli.output import console, handles_errors
from examprep.errors import InvalidInput

if TYPE_CHECKING:
    from examprep.config import Settings

# uvicorn imports the app by name: the CLI and web layers never import each other.
APP_FACTORY = "examprep.web.app:app_from_environment"
OPEN_DELAY_SECONDS = 1.0


def is_loopback(host: str) -> bool:
    """True for addresses only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Serving beyond this computer needs team mode: accounts, which need EXAMPREP_SECRET_KEY.

    A set but short (or empty) key is refused whatever the address: it never means local mode.
    """
    if settings.team_mode:
        settings.session_secret()
        return
    if is_loopback(host):
        return
    raise InvalidInput(
        f"serving on {host} (beyond this computer) needs accounts: set EXAMPREP_SECRET_KEY "
        "to a long random string and add users with `examprep user add NAME`; "
        "or use --host 127.0.0.1 for local use"
    )


def preflight(settings: Settings) -> int | None:
    """Load the pack and open the database now (a problem is a clear message, not a crash).

    Returns how many accounts can sign in (team mode), or None in local mode.
    """
    ctx = services.open_context(settings)
    try:
        _ = ctx.pack, ctx.engine
        if not settings.team_mode:
            return None
        return sum(1 for a in services.list_users(ctx) if a.has_password and not a.disabled)
    finally:
        ctx.close()


@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the app in your web browser.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes (they share everything through the database).",
        ),
    ] = 1,
) -> None:
    """Run the web app in your browser. With EXAMPREP_SECRET_KEY set: team mode with accounts."""
    import uvicorn

    from examprep.config import load_settings

    settings = load_settings()
    check_bind(host, settings)
    accounts = preflight(settings)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    out = console()
    if accounts is None:
        out.print(f"examprep at {url} (learner {settings.learner}); Ctrl+C stops it.")
    else:
        out.print(f"examprep at {url}, team mode: {accounts} account(s) can sign in.")
        if not accounts:
            out.print("Add one with `examprep user add NAME` (no restart needed).")
    if open_browser:
        threading.Timer(OPEN_DELAY_SECONDS, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="warning"
    )
