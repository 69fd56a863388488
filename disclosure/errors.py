"""The one exception a service raises when a rule says no; its message is shown to a person."""


class DomainError(Exception):
    """A rule of the library refused the action; `str(err)` says what to do instead."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
