"""The `examprep` command line. Commands parse, call one service, and render with Rich."""

from __future__ import annotations


def main() -> None:
    """Console-script entry point."""
    from examprep.cli.app import app

    app()
