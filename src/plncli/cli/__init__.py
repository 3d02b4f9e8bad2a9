"""The command line: parse, call a service, render. Each module registers its commands."""

from . import (  # noqa: F401  (registers commands)
    activity,
    events,
    forget,
    kinds,
    network,
    people,
    resources,
    store,
    transfer,
)
from .app import app

__all__ = ["app"]
