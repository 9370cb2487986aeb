"""Settings: one declaration per setting, read from EXAMPREP_* variables; built on demand."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

APP_NAME = "examprep"
ENV_PREFIX = "EXAMPREP_"


class Settings(BaseModel):
    """Where examprep keeps data and which pack it uses.

    A field not given explicitly is read from its EXAMPREP_<NAME> variable (any case), as
    pydantic-settings would, without importing it: that import alone costs a command about
    0.1 s.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
        merged = {
            name: env[f"{ENV_PREFIX}{name.upper()}"]
            for name in cls.model_fields
            if f"{ENV_PREFIX}{name.upper()}" in env
        }
        merged.update(data)
        return merged

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the learner database; default: a SQLite file in data_dir "
        "(e.g. postgresql+psycopg://user@host/db for a shared PostgreSQL).",
    )
    data_dir: Path | None = Field(
        default=None, description="Folder for the default SQLite database and backups."
    )
    pack_path: Path | None = Field(
        default=None, description="Content pack directory; default: the bundled gcp-pmle pack."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Folder for the compiled pack cache (safe to delete); default: the user "
        "cache folder.",
    )
    learner: str = Field(default="me", description="Learner name used by the CLI.")
    secret_key: SecretStr | None = Field(
        default=None, description="Signs web sessions; required when serving beyond localhost."
    )

    def resolved_data_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir.expanduser()
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False)

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir.expanduser()
        from platformdirs import user_cache_path

        return user_cache_path(APP_NAME, appauthor=False)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir() / 'examprep.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (None values are ignored)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)
