"""The command line: parse, call a service, render.

Each module registers its commands on the app of ``base`` when it is imported. This
package's ``app`` is the whole app, every module loaded (``base.load_all``); `pln`
itself loads only the modules of the command it runs (``base.app_for``).
"""

from typing import TYPE_CHECKING, Any

from .base import app_for

if TYPE_CHECKING:
    from typer import Typer

    app: Typer


def __getattr__(name: str) -> Any:
    if name == "app":
        from .base import load_all

        return load_all()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "app_for"]
