"""Web fixtures: the app over a fresh database (SQLite and PostgreSQL) with a fixed clock."""

from __future__ import annotations

import html as html_module
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from examprep import services
from examprep.config import Settings
from examprep.services import Context
from examprep.web.app import create_app

from ..conftest import MINI_PACK, Clock

BASE_URL = "http://127.0.0.1"
XSS = "<script>alert('x')</script>"


def client_for(settings: Settings, clock: Clock) -> TestClient:
    return TestClient(create_app(settings, clock=clock), base_url=BASE_URL)


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    """The app for the default learner; the context is closed when the test ends."""
    with client_for(settings, clock) as test_client:
        yield test_client


@pytest.fixture
def ctx(settings: Settings, clock: Clock) -> Iterator[Context]:
    """A services context for the same learner, to set up or check state directly."""
    context = services.open_context(settings, clock=clock)
    yield context
    context.close()


@pytest.fixture
def other(settings: Settings, clock: Clock) -> Iterator[Context]:
    """A services context for a second learner on the same database."""
    context = services.open_context(settings.model_copy(update={"learner": "other"}), clock=clock)
    yield context
    context.close()


@pytest.fixture
def hostile_pack(tmp_path: Path) -> Path:
    """The mini pack plus a card, a note and a rename map; each carries a script tag."""
    pack = tmp_path / "hostile"
    shutil.copytree(MINI_PACK, pack)
    bank = pack / "questions" / "bank.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(
        text.replace("why: Because option A fits question 1.", f'why: "Because {XSS} fits."'),
        encoding="utf-8",
    )
    (pack / "cards").mkdir()
    (pack / "cards" / "cards.yaml").write_text(
        "cards:\n"
        "- id: c-001\n"
        "  covers: [S1.1.a]\n"
        f'  front: "What is object storage? {XSS}"\n'
        "  back: Storage of whole objects addressed by key.\n"
        "  source: https://docs.example.org/S1.1.a\n",
        encoding="utf-8",
    )
    (pack / "notes").mkdir()
    (pack / "notes" / "objects.md").write_text(
        "---\n"
        "id: n-objects\n"
        "title: Object storage basics\n"
        "covers: [S1.1.a]\n"
        "sources: [https://docs.example.org/S1.1.a]\n"
        "verified: 2026-11-01\n"
        "---\n"
        "## Buckets\n\n"
        f"Objects live in **buckets**, formerly called bins. {XSS}\n\n"
        "[bad link](javascript:alert(1))\n",
        encoding="utf-8",
    )
    (pack / "names.yaml").write_text(
        "products:\n"
        "- id: bucket-store\n"
        "  name: Bucket Store\n"
        "  former:\n"
        "  - {name: Bin Store, until: 2025-01-01}\n"
        "  status: ga\n"
        f'  note: "Keeps objects. {XSS}"\n',
        encoding="utf-8",
    )
    (pack / "advisor.yaml").write_text(ADVISOR, encoding="utf-8")
    return pack


ADVISOR = f"""
root: d-kind
nodes:
- id: d-kind
  question: What do you store?
  why: "Objects and blocks need different products. {XSS}"
  common: objects
  choices:
  - {{id: objects, label: Whole files, next: d-size}}
  - {{id: blocks, label: Disk blocks for a machine, leaf: l-disk}}
- id: d-size
  question: How big are the files?
  why: Size decides the storage class.
  common: small
  choices:
  - {{id: small, label: Small, leaf: l-bucket}}
  - {{id: huge, label: Huge, leaf: l-archive}}
leaves:
- id: l-disk
  use: Disk Store
  why: Block devices for machines.
  sources: [https://docs.example.org/S1.1.b]
- id: l-bucket
  name: bucket-store
  why: "Objects by key. {XSS}"
  instead:
  - {{leaf: l-archive, when: the files are huge}}
  sources: [https://docs.example.org/S1.1.a]
- id: l-archive
  use: Archive Store
  why: Cold objects.
  sources: [https://docs.example.org/S1.1.a]
"""


@pytest.fixture
def rich_settings(settings: Settings, hostile_pack: Path) -> Settings:
    """Settings on the database under test with the hostile pack (cards, notes, names)."""
    return settings.model_copy(update={"pack_path": hostile_pack})


@pytest.fixture
def rich_client(rich_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with client_for(rich_settings, clock) as test_client:
        yield test_client


def location(response: object) -> str:
    """The path a 303 answer sends the browser to."""
    headers = response.headers  # type: ignore[attr-defined]
    return str(headers["location"])


def main_text(html: str) -> str:
    """The page's <main> as text: tags removed, entities decoded, whitespace collapsed."""
    match = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    body = match.group(1) if match else html
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def key_letters(ctx: Context, attempt: int, position: int) -> list[str]:
    """The shown letters of the right options of a question."""
    view = services.get_attempt(ctx, attempt)
    question = view.questions[position - 1]
    item = ctx.pack.question(question.id)
    right = {o.text for o in item.options if o.correct}
    return [o.key for o in question.options if o.text in right]


def wrong_letters(ctx: Context, attempt: int, position: int) -> list[str]:
    view = services.get_attempt(ctx, attempt)
    question = view.questions[position - 1]
    key = set(key_letters(ctx, attempt, position))
    return [o.key for o in question.options if o.key not in key][: question.choose]
