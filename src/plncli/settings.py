"""Where the data lives and the user's preferences: CLI > env > config file > default."""

from __future__ import annotations

import os
import sys

from .errors import InvalidInput, StoreError
from .lean import TYPE_CHECKING, NamedTuple, regex

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

CIRCLES = ("colleague", "network", "following")
DEFAULT_CADENCE = {"colleague": "14d", "network": "60d", "following": "never"}
MAX_FIRST_CONTACT_DAYS = 3650
# when `pln due` lists birthdays: with --within only, also without it, or never (nor the feed)
BIRTHDAYS = ("within", "always", "never")


class Settings(NamedTuple):
    db_path: str
    create_parent: bool  # only pln's own data directory is created on demand
    cadence: dict[str, str]
    first_contact_days: int = 3
    dayfirst: bool = False
    synonyms: dict[str, str] = {}  # alias -> canonical topic (never mutated)
    shared: bool = False  # db_path is a postgresql:// URL (a shared book, store/pg)
    pager: bool = True  # long output on a terminal through the pager (pager.py)
    birthdays: str = "within"  # one of BIRTHDAYS


def _platform_dir(kind: str) -> str:
    """pln's data or config directory. On Linux the XDG rules, as platformdirs has them,
    without its import (~4 ms on every command); elsewhere platformdirs itself."""
    if sys.platform.startswith("linux"):
        var, default = {
            "data": ("XDG_DATA_HOME", "~/.local/share"),
            "config": ("XDG_CONFIG_HOME", "~/.config"),
        }[kind]
        base = os.environ.get(var, "").strip() or os.path.expanduser(default)
        return os.path.join(base, "pln")
    import platformdirs

    return (
        platformdirs.user_data_dir("pln") if kind == "data" else platformdirs.user_config_dir("pln")
    )


def config_path() -> str:
    home = os.environ.get("PLN_HOME")
    if home:
        return os.path.join(os.path.expanduser(home), "config.toml")
    return os.path.join(_platform_dir("config"), "config.toml")


def resolve_db_path(cli_db: str | None, conf_db: object = None) -> tuple[str, bool]:
    """Return the database path (or a shared book's URL) and whether its directory is
    pln's own: ``--db``, else ``PLN_DB``, else the config's ``db`` (a shared book's URL),
    else the default file."""
    if cli_db is not None:
        if _shared_book(cli_db):
            return cli_db.strip(), False
        _refuse_conninfo(cli_db, "--db")
        return os.path.expanduser(cli_db), False
    env = os.environ.get("PLN_DB")
    if env:
        _refuse_conninfo(env, "PLN_DB")
        if _shared_book(env):
            return env.strip(), False
        return os.path.expanduser(env), False
    if conf_db is not None:
        if not isinstance(conf_db, str) or not _shared_book(conf_db):
            raise InvalidInput(
                "config.toml: db must be a shared book's URL (postgresql://…)",
                "fix the config file, or give a file with --db or PLN_DB",
            )
        return conf_db.strip(), False
    home = os.environ.get("PLN_HOME")
    base = os.path.expanduser(home) if home else _platform_dir("data")
    _refuse_file_as_folder(base, "PLN_HOME" if home else "the data directory")
    return os.path.join(base, "pln.db"), True


def _shared_book(value: str) -> bool:
    """Whether ``value`` names a shared book (``postgresql://``)."""
    if not value.lstrip().startswith("postgres"):
        return False
    from .store.pg import is_url

    return is_url(value)


# libpq's connection keywords (PostgreSQL 17): a value that begins `keyword=` with one of
# these is a connection string, not a file name.
LIBPQ_KEYWORDS = frozenset(
    [
        "host",
        "hostaddr",
        "port",
        "dbname",
        "user",
        "password",
        "passfile",
        "require_auth",
        "channel_binding",
        "connect_timeout",
        "client_encoding",
        "options",
        "application_name",
        "fallback_application_name",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "replication",
        "gssencmode",
        "sslmode",
        "sslnegotiation",
        "requiressl",
        "sslcompression",
        "sslcert",
        "sslkey",
        "sslcertmode",
        "sslpassword",
        "sslrootcert",
        "sslcrl",
        "sslcrldir",
        "sslsni",
        "requirepeer",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "krbsrvname",
        "gsslib",
        "gssdelegation",
        "service",
        "target_session_attrs",
        "load_balance_hosts",
    ]
)


def is_conninfo(value: str) -> bool:
    """Whether ``value`` is a libpq ``key=value`` connection string (``host=db dbname=x``),
    as libpq tells one (it has an ``=``), beginning with a keyword libpq knows: ``a=b.db``
    stays a file name, and a mistyped connection string (``host=db password=a b``) is
    not taken for one."""
    key, equals, _ = value.partition("=")  # the first key: spaces, a keyword, spaces
    return bool(equals) and key.strip() in LIBPQ_KEYWORDS


def _refuse_conninfo(value: str, where: str) -> None:
    """A libpq connection string is refused in one line that does not repeat it (it may
    hold a password): a shared book is named by its URL."""
    if is_conninfo(value):
        raise InvalidInput(
            f"{where} is a PostgreSQL connection string (key=value); pln names a shared book"
            " by its URL",
            "write postgresql://[USER@]HOST[:PORT]/DATABASE, with any password in ~/.pgpass"
            " or PGPASSWORD",
        )


# A password in a PostgreSQL URL: `postgresql://USER:PASSWORD@`, or `password=` in its query.
_URL_PASSWORD = r"(postgres(?:ql)?:/+[^:/?#@\s]*:)[^@/?#\s]*(@)|([?&]password=)[^&#\s]*"


def without_password(text: str) -> str:
    """``text`` with the password of any PostgreSQL URL in it shown as ``***``
    (``postgresql://u:***@h/db``), for anything pln prints or stores."""
    if "postgres" not in text:
        return text
    return regex(_URL_PASSWORD).sub(lambda m: f"{m[1]}***{m[2]}" if m[1] else f"{m[3]}***", text)


def _refuse_file_as_folder(folder: str, what: str) -> None:
    """The data directory, or a folder on the way to it, must not be a file."""
    probe = folder
    while not os.path.lexists(probe) and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
    if os.path.lexists(probe) and not os.path.isdir(probe):
        raise StoreError(
            f"{what} ({folder}) cannot be used: {probe} is a file, not a directory",
            "point PLN_HOME (or XDG_DATA_HOME) at a directory, or use --db FILE",
        )


def load(cli_db: str | None = None) -> Settings:
    conf = _read_config(config_path())
    path, own = resolve_db_path(cli_db, conf.get("db"))
    return Settings(
        db_path=path,
        create_parent=own,
        cadence=_cadences(conf.get("cadence", {})),
        first_contact_days=_first_contact_days(conf),
        dayfirst=_typed(conf, "dayfirst", bool, locale_dayfirst()),
        synonyms=_synonyms(conf.get("synonyms", {})),
        shared=not own and path.startswith(("postgres://", "postgresql://")),
        pager=_typed(conf, "pager", bool, True),
        birthdays=_birthdays(conf),
    )


def _birthdays(conf: dict[str, Any]) -> str:
    value = conf.get("birthdays", "within")
    if value not in BIRTHDAYS:
        raise InvalidInput(
            f"config.toml: birthdays must be {', '.join(map(repr, BIRTHDAYS))}, not {value!r}",
            "fix the config file",
        )
    return str(value)


# Territories whose dates are written month before day: the United States and the places
# that follow its usage, and the year-first (Y-M-D) countries, whose month also comes first.
_MONTH_FIRST = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW", "CN", "TW", "JP", "KR", "HU"}
)


def locale_dayfirst(environ: dict[str, str] | None = None) -> bool:
    """Whether the user's locale writes 12/03 for 12 March (en_GB, en_AU, fr_FR, de_DE...).

    The locale is the first of LC_ALL, LC_TIME and LANG that is set (POSIX order). A locale
    with no territory ("C", "POSIX", "C.UTF-8", "en") keeps pln's month-first default, as do
    the month-first territories above and en_CA; every other territory reads day first."""
    env = os.environ if environ is None else environ
    name = next((env[v] for v in ("LC_ALL", "LC_TIME", "LANG") if env.get(v)), "")
    base = name.split(".", 1)[0].split("@", 1)[0]
    territory = base.partition("_")[2]
    if not territory or base == "en_CA":
        return False
    return territory.upper() not in _MONTH_FIRST


def _synonyms(section: object) -> dict[str, str]:
    """``[synonyms]`` maps an alias to the topic it means: ``AfL = "assessment for learning"``."""
    if not isinstance(section, dict) or not all(
        isinstance(v, str) and v.strip() for v in section.values()
    ):
        raise InvalidInput(
            'config.toml: [synonyms] must map names to topics, e.g. AfL = "assessment"',
            "fix the config file",
        )
    return {str(k): v for k, v in section.items()}


def _first_contact_days(conf: dict[str, Any]) -> int:
    days = _typed(conf, "first_contact_days", int, 3)
    if not 0 <= days <= MAX_FIRST_CONTACT_DAYS:
        raise InvalidInput(
            f"config.toml: first_contact_days must be 0 to {MAX_FIRST_CONTACT_DAYS}, not {days}",
            "fix the config file",
        )
    return days


def _typed(conf: dict[str, Any], key: str, kind: type[T], default: T) -> T:
    value = conf.get(key, default)
    if type(value) is not kind:
        raise InvalidInput(
            f"config.toml: {key} must be {kind.__name__}, not {value!r}", "fix the config file"
        )
    return value


def _cadences(section: object) -> dict[str, str]:
    cadence = dict(DEFAULT_CADENCE)
    if not isinstance(section, dict):
        raise InvalidInput("config.toml: [cadence] must be a table", "fix the config file")
    if not section:
        return cadence  # no [cadence]: a command that reads no dates never imports them
    from .dates import DateError, parse_interval

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


def _read_config(path: str) -> dict[str, Any]:
    if not os.path.exists(path):
        return {}
    import tomllib

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            f"cannot read config file {path}: {exc}", "fix or remove the file"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            f"cannot read config file {path}: it is not UTF-8 text", "fix or remove the file"
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"cannot read config file {path}: it is nested too deeply", "fix or remove the file"
        ) from None
