"""What a new user meets first: quick refusals, clean folders, a pack cache that cannot go stale."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examprep import services
from examprep.cli.app import app
from examprep.config import Settings
from examprep.content.compiled import load_compiled, pack_hash
from examprep.content.loader import bundled_pack_path, load_pack
from examprep.errors import InvalidInput
from examprep.services.context import Context
from examprep.store.database import head_revision, make_engine, upgrade

from .conftest import MINI_PACK

runner = CliRunner()


def refuse(*_: object, **__: object) -> None:
    raise AssertionError("called although the request was invalid")


def test_a_bad_plot_name_is_refused_before_anything_is_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "readiness_report", refuse)
    result = runner.invoke(app, ["readiness", "--plot", "r.txt"])
    assert result.exit_code == 2
    assert "--plot wants a .png or .svg file" in result.output


def test_a_guide_into_a_missing_folder_is_refused_before_rendering(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("examprep.services.guide.render_guide", refuse)
    with pytest.raises(InvalidInput, match="no folder"):
        services.export_guide(ctx, tmp_path / "missing" / "g.pdf")


def test_no_lock_file_is_left_beside_a_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "examprep.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert upgrade(engine) == (None, head_revision())
    finally:
        engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if "lock" in p.name) == []


def test_the_schema_head_is_read_like_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    from examprep.store.database import MIGRATIONS, known_revisions

    script = ScriptDirectory(str(MIGRATIONS))
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {r.revision for r in script.walk_revisions()}


def test_the_pack_cache_is_rebuilt_when_the_pack_changes(tmp_path: Path) -> None:
    pack_dir = tmp_path / "pack"
    subprocess.run(["cp", "-r", str(MINI_PACK), str(pack_dir)], check=True)
    cache = tmp_path / "cache"
    first = load_compiled(pack_dir, cache)
    assert len(list(cache.glob("pack-*.pickle"))) == 1
    assert load_compiled(pack_dir, cache) == first
    meta = pack_dir / "pack.yaml"
    meta.write_text(meta.read_text().replace(f"id: {first.id}", "id: renamed", 1))
    changed = load_compiled(pack_dir, cache)
    assert changed.id == "renamed"
    assert len(list(cache.glob("pack-*.pickle"))) == 1  # the stale entry is gone


def test_a_damaged_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_compiled(MINI_PACK, cache)
    (entry,) = cache.glob("pack-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_compiled(MINI_PACK, cache) == load_pack(MINI_PACK)
    assert pickle.loads(entry.read_bytes()) == load_pack(MINI_PACK)


def test_the_cache_key_covers_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pack_hash(MINI_PACK)
    monkeypatch.setattr("examprep.content.compiled.__version__", "999.0")
    assert pack_hash(MINI_PACK) != before


def test_a_cached_pack_keeps_file_and_line_of_each_question() -> None:
    pack = load_pack(MINI_PACK)
    origin = pack.origins[pack.questions[0].id]
    assert origin.doc is None  # no parsed documents are kept in a loaded pack
    assert Path(origin.path).is_file() and origin.line > 1
    text = Path(origin.path).read_text().splitlines()
    assert f"id: {pack.questions[0].id}" in text[origin.line - 1]


def unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make `folder` unreadable to the loader and the cache (as chmod 0 would, even for root)."""
    listdir, scandir = os.listdir, os.scandir

    def guarded(real):  # type: ignore[no-untyped-def]
        def call(path=".", *args):  # type: ignore[no-untyped-def]
            if Path(path) == folder:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args)

        return call

    monkeypatch.setattr(os, "listdir", guarded(listdir))
    monkeypatch.setattr(os, "scandir", guarded(scandir))


@pytest.mark.parametrize(
    ("pack", "folder"),
    [(bundled_pack_path(), "cards"), (bundled_pack_path(), "notes"), (MINI_PACK, "questions")],
)
def test_an_unreadable_folder_is_a_problem_not_an_empty_pack(
    pack: Path, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable(monkeypatch, pack / folder)
    report = services.check_pack(pack, strict=True)
    assert not report.ok
    where = str(pack / folder)
    assert any(p.path == where and "cannot read" in p.message for p in report.errors)


def test_an_unreadable_pack_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    unreadable(monkeypatch, MINI_PACK / "questions")
    result = runner.invoke(app, ["search", "x"], env={"EXAMPREP_PACK_PATH": str(MINI_PACK)})
    assert result.exit_code == 2
    assert "cannot read" in result.output and "Traceback" not in result.output


def test_notes_and_search_import_no_numpy_sqlalchemy_or_alembic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from examprep.cli.app import app\n"
        "for args in (['notes'], ['search', 'bigquery'], ['names']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        "print(sorted(m for m in ('numpy', 'sqlalchemy', 'alembic') if m in sys.modules))\n"
    )
    env = {**os.environ, "EXAMPREP_DATA_DIR": str(tmp_path)}  # the bundled pack
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_exam_commands_import_no_numpy_and_a_cached_pack_no_yaml(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from examprep import services\n"
        "ctx = services.open_context()\n"
        "view = services.start_exam(ctx, questions=5, seed=1)\n"
        "services.answer(ctx, view.attempt, 1, 'A')\n"
        "services.submit(ctx, view.attempt)\n"
        "services.history(ctx)\n"
        "print(sorted(m for m in ('numpy', 'yaml', 'examprep.content.loader') if m in sys.modules))\n"
    )
    env = {**os.environ, "EXAMPREP_DATA_DIR": str(tmp_path), "EXAMPREP_CACHE_DIR": str(tmp_path)}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split("\n")[-2] == "['examprep.content.loader', 'yaml']"  # cache built
    again = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
    assert again.stdout.split("\n")[-2] == "[]"


def test_a_command_imports_its_own_cli_module_only(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from examprep.cli import run\n"
        "assert run(['config', '--json']) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('examprep.cli.')))\n"
    )
    env = {**os.environ, "EXAMPREP_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    loaded = done.stdout.strip().splitlines()[-1]
    # the root (its overview and what that shows) and the command's own module, nothing else
    assert loaded == str(
        [f"examprep.cli.{m}" for m in ("app", "config", "model", "output", "plot", "status")]
    )


def test_the_services_package_lists_what_it_resolves() -> None:
    from examprep.services import _HOMES

    assert sorted(services.__all__) == sorted(_HOMES)
    assert all(callable(getattr(services, name)) for name in services.__all__)
    assert callable(services.cohort) and callable(services.search)  # not the modules


def test_settings_choose_the_cache_folder(tmp_path: Path) -> None:
    assert Settings(cache_dir=tmp_path).resolved_cache_dir() == tmp_path


def test_settings_read_the_environment_without_pydantic_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXAMPREP_LEARNER", "ada")
    monkeypatch.setenv("examprep_pack_path", str(MINI_PACK))  # any case, as before
    settings = Settings(data_dir=tmp_path)
    assert (settings.learner, settings.pack_path, settings.data_dir) == ("ada", MINI_PACK, tmp_path)
    assert Settings(learner="bob").learner == "bob"  # given values win
    code = "import sys, examprep.config as c; c.load_settings(); print('pydantic_settings' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("2", "2")])
def test_the_command_line_runs_blas_on_one_thread_unless_told(given: str | None, used: str) -> None:
    code = (
        "import os, sys\n"
        "from examprep.cli import main\n"
        "sys.argv = ['examprep', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    print(os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split()[-1] == used
