"""Errors every layer may raise or catch. Each carries a message meant for the learner."""

from __future__ import annotations


class ExamprepError(Exception):
    """Base class: a clear, expected failure (the CLI prints it and exits with code 2)."""


class InvalidInput(ExamprepError):
    """A request that cannot be carried out as given (bad choice, position, date, ...)."""


class NotFound(ExamprepError):
    """An id that does not exist (attempt, learner, note, ...)."""


class Forbidden(ExamprepError):
    """The learner may not see or change this."""


class Conflict(ExamprepError):
    """The request clashes with stored state (a submitted or expired attempt, ...)."""


class DatabaseError(ExamprepError):
    """The database cannot be used: corrupt, unreachable, or written by a newer examprep."""
