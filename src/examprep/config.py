"""Settings: one declaration per setting, read from EXAMPREP_* variables; built on demand."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from examprep.errors import InvalidInput

APP_NAME = "examprep"
MIN_SECRET_BYTES = 32  # a shorter key could be guessed, and with it any session forged
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
        default=None,
        description="Turns on team mode (accounts and sign-in) and signs its sessions and forms: "
        f"at least {MIN_SECRET_BYTES} random bytes, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_hex(32))'`. Set but shorter (or "
        "empty), examprep refuses to serve; unset, the web app is local mode on loopback only.",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookie Secure on every request: set it to true when TLS "
        "ends at a proxy on another host, so the browser never sends the cookie over plain HTTP "
        "(requests that reach examprep as HTTPS are always marked).",
    )

    @property
    def team_mode(self) -> bool:
        """True when EXAMPREP_SECRET_KEY is set at all: an empty value never means local mode."""
        return self.secret_key is not None

    def session_secret(self) -> str | None:
        """The key that signs team mode sessions (None in local mode); refuses a short key."""
        if self.secret_key is None:
            return None
        secret = self.secret_key.get_secret_value()
        size = len(secret.encode())
        if size < MIN_SECRET_BYTES:
            raise InvalidInput(
                f"EXAMPREP_SECRET_KEY has {size} bytes; team mode needs at least "
                f"{MIN_SECRET_BYTES} random bytes (python -c 'import secrets; "
                "print(secrets.token_hex(32))'), or unset it for local mode on this computer"
            )
        return secret

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
