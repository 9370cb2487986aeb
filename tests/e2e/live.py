"""Real `examprep serve` processes on free loopback ports, for browser and multi-process tests."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

PORT_BASE = 20000  # below Linux's ephemeral range (32768-60999)
PORT_BLOCK = 500
STARTUP_SECONDS = 30.0
POLL_SECONDS = 0.05  # how often to ask a starting server whether it answers yet


@dataclass(frozen=True)
class LiveServer:
    """A running `examprep serve`: its URL and where its output goes."""

    url: str
    log: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now.

    Each pytest-xdist worker draws from its own block of ports, so two workers never pick the
    same port between choosing it and the server binding it. (Ports from bind(0) cannot be
    split by number: Linux hands out even ones.)
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    first = PORT_BASE + worker * PORT_BLOCK
    for port in random.sample(range(first, first + PORT_BLOCK), PORT_BLOCK):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {first}-{first + PORT_BLOCK - 1}")


def server_environment(**settings: str) -> dict[str, str]:
    """This process's environment without EXAMPREP_* variables, plus `settings` as EXAMPREP_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAMPREP_")}
    env.update({f"EXAMPREP_{k.upper()}": v for k, v in settings.items()})
    return env


def examprep(args: list[str], env: Mapping[str, str], stdin: str = "") -> str:
    """Run an examprep CLI command to completion; its output (fails the test on an error)."""
    done = subprocess.run(
        [sys.executable, "-m", "examprep", *args],
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"examprep {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"examprep serve exited early:\n{log.read_text()}")
        try:
            httpx.get(f"{url}static/style.css", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(POLL_SECONDS)
    raise AssertionError(
        f"examprep serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}"
    )


@contextlib.contextmanager
def serve(env: Mapping[str, str], workdir: Path, name: str = "serve") -> Iterator[LiveServer]:
    """`examprep serve` on a free loopback port until the block ends."""
    port = free_port()
    log = workdir / f"{name}-{port}.log"
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "examprep", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_answering(url, process, log)
            yield LiveServer(url, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
