"""The `examprep` command line. Commands parse, call one service, and render with Rich."""

from __future__ import annotations

import os
import sys

# examprep's matrices are small (an ability grid by one section's items): the OpenBLAS thread
# pool that numpy starts on import (a thread per core) costs a command about 50 ms and speeds
# up nothing here, calibration included. A value the user set is kept.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "1")


def run(args: list[str] | None = None) -> int:
    """Run the command line on `args` (default: sys.argv) and return its exit code.

    A usage mistake (an unknown command or option, a missing argument) is one line on stderr
    that names the command to ask for help, instead of a boxed usage block; exit code 2.
    """
    import typer

    from examprep.cli.app import COMMANDS, build

    argv = sys.argv[1:] if args is None else args
    app = build(only=argv[0] if argv and argv[0] in COMMANDS else None)
    try:
        code = app(args=argv, prog_name="examprep", standalone_mode=False)
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        return 1
    except typer.TyperException as exc:  # Typer's (vendored Click's) usage and file errors
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(ctx.get_help() + "\n")
            return 0
        where = f" See '{ctx.command_path} --help'." if ctx is not None else ""
        sys.stderr.write(f"error: {exc.format_message().rstrip('.')}.{where}\n")
        return exc.exit_code
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point (`examprep serve` included: its workers inherit the setting)."""
    os.environ.setdefault(*BLAS_THREADS)
    sys.exit(run())
