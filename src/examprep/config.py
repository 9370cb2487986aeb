"""Settings: one declaration per setting, read from EXAMPREP_* variables; built on demand."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "examprep"


class Settings(BaseSettings):
    """Where examprep keeps data and which pack it uses."""

    model_config = SettingsConfigDict(env_prefix="EXAMPREP_", extra="ignore", frozen=True)

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
    return Settings(**given)  # type: ignore[arg-type]
