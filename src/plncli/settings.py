"""Where the data lives and the user's preferences: CLI > env > config file > default."""

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import InvalidInput

CIRCLES = ("colleague", "network", "following")
T = TypeVar("T")
DEFAULT_CADENCE = {"colleague": "14d", "network": "60d", "following": "never"}


@dataclass(frozen=True)
class Settings:
    db_path: Path
    create_parent: bool  # only pln's own data directory is created on demand
    cadence: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    first_contact_days: int = 3
    dayfirst: bool = False


def data_dir() -> Path:
    home = os.environ.get("PLN_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return platformdirs.user_data_path("pln")


def config_path() -> Path:
    home = os.environ.get("PLN_HOME")
    if home:
        return Path(home).expanduser() / "config.toml"
    import platformdirs

    return platformdirs.user_config_path("pln") / "config.toml"


def resolve_db_path(cli_db: Path | None) -> tuple[Path, bool]:
    """Return the database path and whether its directory is pln's own."""
    if cli_db is not None:
        return cli_db.expanduser(), False
    env = os.environ.get("PLN_DB")
    if env:
        return Path(env).expanduser(), False
    return data_dir() / "pln.db", True


def load(cli_db: Path | None = None) -> Settings:
    path, own = resolve_db_path(cli_db)
    conf = _read_config(config_path())
    return Settings(
        db_path=path,
        create_parent=own,
        cadence=_cadences(conf.get("cadence", {})),
        first_contact_days=_typed(conf, "first_contact_days", int, 3),
        dayfirst=_typed(conf, "dayfirst", bool, False),
    )


def _typed(conf: dict[str, Any], key: str, kind: type[T], default: T) -> T:
    value = conf.get(key, default)
    if type(value) is not kind:
        raise InvalidInput(
            f"config.toml: {key} must be {kind.__name__}, not {value!r}", "fix the config file"
        )
    return value


def _cadences(section: object) -> dict[str, str]:
    from .dates import DateError, parse_interval

    cadence = dict(DEFAULT_CADENCE)
    if not isinstance(section, dict):
        raise InvalidInput("config.toml: [cadence] must be a table", "fix the config file")
    for circle, value in section.items():
        if circle not in CIRCLES:
            raise InvalidInput(
                f"config.toml: unknown circle {circle!r} in [cadence]", f"use {', '.join(CIRCLES)}"
            )
        try:
            cadence[circle] = "never" if value == "never" else str(parse_interval(str(value)))
        except DateError as exc:
            raise InvalidInput(f"config.toml: [cadence] {circle}: {exc}") from None
    return cadence


def _read_config(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            f"cannot read config file {path}: {exc}", "fix or remove the file"
        ) from None
