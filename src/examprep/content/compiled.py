"""The compiled pack cache: a validated pack pickled under its content hash.

Reading and validating the bundled pack's YAML takes most of a second; unpickling the result
takes a few milliseconds. An entry is named after a hash of every file of the pack, of the
examprep version and of the content code that builds a `Pack`, so an edited pack, another
examprep version or a changed loader never reads an old entry. Entries are only a cache: one
that cannot be read is rebuilt, and deleting the folder is always safe.

A hit needs only the pack's classes (`content.pack`, `content.schema`): the YAML reader and
the checks (`content.loader`, `content.lint`) are imported on a miss, when the pack is read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from examprep import __version__
from examprep.content.pack import Pack
from examprep.content.problems import PackError, Problem

FORMAT = 2  # bump when the entry layout changes
_CODE = Path(__file__).resolve().parent  # content/*.py: the code whose output is cached


def pack_hash(root: Path) -> str:
    """A hash of every file under `root` (relative path and bytes); PackError if unreadable."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"examprep {__version__} format {FORMAT}\0".encode())
    for code in sorted(_CODE.glob("*.py")):
        stat = code.stat()
        digest.update(f"{code.name} {stat.st_size} {stat.st_mtime_ns}\0".encode())
    for file in _pack_files(root):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise PackError([_unreadable(file, exc)]) from None
        digest.update(f"{file.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _pack_files(root: Path) -> list[Path]:
    files: list[Path] = []
    failures: list[OSError] = []
    for folder, dirs, names in os.walk(root, onerror=failures.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        files.extend(Path(folder) / n for n in names if not n.startswith("."))
    if failures:
        exc = failures[0]
        raise PackError([_unreadable(Path(exc.filename or root), exc)])
    return sorted(files)


def _unreadable(path: Path, exc: OSError) -> Problem:
    return Problem(str(path), 1, "file", f"cannot read: {exc.strerror or exc}")


def load_compiled(root: Path, cache_dir: Path | None) -> Pack:
    """The pack at `root`, from the cache when an entry for its exact contents exists.

    Without `cache_dir`, or when the cache cannot be written, the pack is simply loaded.
    """
    if cache_dir is None:
        return _read(root)
    place = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    entry = cache_dir / f"pack-{place}-{pack_hash(root)}.pickle"
    try:
        with entry.open("rb") as handle:
            pack = pickle.load(handle)
        if isinstance(pack, Pack) and pack.root == root:
            return pack
    except Exception:  # a missing or damaged entry (any unpickling error) is rebuilt
        pass
    pack = _read(root)
    _write(entry, pack, stale=f"pack-{place}-*.pickle")
    return pack


def _read(root: Path) -> Pack:
    """Read and validate the pack's files (a cache miss)."""
    from examprep.content.loader import load_pack

    return load_pack(root)


def _write(entry: Path, pack: Pack, stale: str) -> None:
    """Store `pack` atomically and drop older entries of the same folder; never fails."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(pack, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in entry.parent.glob(stale):
            if old != entry:
                old.unlink(missing_ok=True)
    except OSError:
        return
