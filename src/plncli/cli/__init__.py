"""The command line: parse, call a service, render. Each module registers its commands."""

from . import (  # noqa: F401  (registers commands)
    activity,
    events,
    forget,
    graph,
    kinds,
    network,
    people,
    resources,
    shell,
    stats,
    store,
    transfer,
)
from .app import app

__all__ = ["app"]
