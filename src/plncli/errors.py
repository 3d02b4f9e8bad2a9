"""Errors a user can cause, each with its documented exit code (README)."""


class PlnError(Exception):
    """A user-facing error: one line of what went wrong, and a hint of what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidInput(PlnError):
    exit_code = 2


class NotFound(PlnError):
    exit_code = 3


class Ambiguous(PlnError):
    exit_code = 4


class Conflict(PlnError):
    exit_code = 5


class Busy(PlnError):
    exit_code = 6


class StoreError(PlnError):
    """The database file cannot be used as it is (not a database, newer, read-only...)."""

    exit_code = 7
