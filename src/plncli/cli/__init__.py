"""The command line: parse, call a service, render. Each module registers its commands."""

from . import activity, forget, network, people, store, transfer  # noqa: F401  (registers)
from .app import app

__all__ = ["app"]
