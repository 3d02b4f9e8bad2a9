"""The command line: parse, call a service, render. Each module registers its commands."""

from . import activity, events, kinds, network, people, store, transfer  # noqa: F401  (registers commands)
from .app import app

__all__ = ["app"]
