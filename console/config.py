"""Typed settings from `config.toml` in the platform config directory.

```toml
read_only = false            # global default
traffic_alias = "live"       # the Lambda alias that carries production traffic (invoke's default)
[logs]
buffer_lines = 10000         # log lines a reader keeps; older ones are dropped (and counted)
[profiles.prod]
read_only = true
protected = true             # typing the resource name confirms destructive actions
region = "eu-west-1"         # default region for this profile
[accounts."123456789012"]
protected = true
```

OPSDECK_CONFIG_DIR and OPSDECK_STATE_DIR override the directories, so each test (and
anyone scripting opsdeck) can have its own.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "opsdeck"


class ConfigError(ValueError):
    """The config file exists but is not what opsdeck expects; the message names the field."""


@dataclass(frozen=True)
class ProfileSettings:
    read_only: bool | None = None
    protected: bool = False
    region: str | None = None


DEFAULT_TRAFFIC_ALIAS = "live"
DEFAULT_LOG_BUFFER_LINES = 10_000  # log lines a reader keeps (console.cloudwatch.logs_buffer)
LOG_BUFFER_RANGE = (100, 1_000_000)
# Lambda's alias name pattern (CreateAlias: Name), without the all-digits names it refuses
_ALIAS_NAME = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}")


@dataclass(frozen=True)
class Settings:
    read_only: bool = False
    traffic_alias: str = DEFAULT_TRAFFIC_ALIAS
    log_buffer_lines: int = DEFAULT_LOG_BUFFER_LINES
    profiles: dict[str, ProfileSettings] = field(default_factory=dict)
    protected_accounts: frozenset[str] = frozenset()
    path: Path | None = None

    def profile(self, name: str | None) -> ProfileSettings:
        return self.profiles.get(name or "default", ProfileSettings())

    def is_read_only(self, profile: str | None) -> bool:
        own = self.profile(profile).read_only
        return self.read_only if own is None else own

    def is_protected(self, profile: str | None, account: str | None) -> bool:
        return self.profile(profile).protected or (account in self.protected_accounts)


def config_dir() -> Path:
    return Path(os.environ.get("OPSDECK_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    return Path(os.environ.get("OPSDECK_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def _bool(table: dict, key: str, where: str) -> bool | None:
    value = table.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{where}.{key}: expected true or false, got {value!r}")


def parse_settings(data: dict, path: Path | None = None) -> Settings:
    profiles: dict[str, ProfileSettings] = {}
    for name, table in (data.get("profiles") or {}).items():
        where = f"profiles.{name}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: expected a table of settings")
        region = table.get("region")
        if region is not None and not isinstance(region, str):
            raise ConfigError(f"{where}.region: expected a region name such as \"eu-west-1\", got {region!r}")
        profiles[name] = ProfileSettings(
            read_only=_bool(table, "read_only", where),
            protected=bool(_bool(table, "protected", where)),
            region=region,
        )
    protected_accounts = frozenset(
        str(account)
        for account, table in (data.get("accounts") or {}).items()
        if isinstance(table, dict) and _bool(table, "protected", f"accounts.{account}")
    )
    traffic_alias = data.get("traffic_alias", DEFAULT_TRAFFIC_ALIAS)
    if not isinstance(traffic_alias, str) or not _ALIAS_NAME.fullmatch(traffic_alias):
        raise ConfigError(f"traffic_alias: expected an alias name (letters, digits, '-' or '_', not only digits) "
                          f"such as \"live\", got {traffic_alias!r}")
    return Settings(
        read_only=bool(_bool(data, "read_only", "config")),
        traffic_alias=traffic_alias,
        log_buffer_lines=_log_buffer_lines(data.get("logs")),
        profiles=profiles,
        protected_accounts=protected_accounts,
        path=path,
    )


def _log_buffer_lines(table: object) -> int:
    if table is None:
        return DEFAULT_LOG_BUFFER_LINES
    if not isinstance(table, dict):
        raise ConfigError("logs: expected a table of settings")
    value = table.get("buffer_lines", DEFAULT_LOG_BUFFER_LINES)
    low, high = LOG_BUFFER_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"logs.buffer_lines: expected a whole number of lines from {low:,} to {high:,}, "
                          f"got {value!r}")
    return value


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (default: config.toml in the config dir); defaults if absent."""
    path = path or config_dir() / "config.toml"
    if not path.exists():
        return Settings(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_settings(data, path)
