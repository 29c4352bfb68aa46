"""saywho's exceptions.

    SaywhoError                 base class; `input` names what it concerns, `remedy` what to do
    ├── InputError              the input cannot be read, decoded or understood
    │   └── FetchError          a URL could not be fetched (network, status, size, refused address)
    ├── ExtractionError         the input was read but holds no article
    ├── ConfigError             a setting has an invalid value
    └── StoreError              the store failed (later stages)
        └── NotFoundError       a stored thing asked for by id does not exist

Third-party exceptions are caught where they arise and re-raised as one of these
(``raise InputError(...) from exc``), so callers only ever need to catch `SaywhoError`.
Every error renders as one line: ``<input>: <message> (<remedy>)``.
"""

from __future__ import annotations


class SaywhoError(Exception):
    """Base class of every error saywho raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, input: str | None = None, remedy: str | None = None):
        super().__init__(message)
        self.message = message
        self.input = input
        self.remedy = remedy

    def __str__(self) -> str:
        line = self.message if self.input is None else f"{self.input}: {self.message}"
        if self.remedy:
            line += f" ({self.remedy})"
        # one line, whatever the message carried
        return " ".join(line.split())


class InputError(SaywhoError):
    """The input cannot be read, decoded or understood."""

    code = "E100"


class FetchError(InputError):
    """A URL could not be fetched."""

    code = "E110"


class ExtractionError(SaywhoError):
    """The input was read but no article could be found in it."""

    code = "E200"


class ConfigError(SaywhoError):
    """A setting has an invalid value."""

    code = "E300"


class StoreError(SaywhoError):
    """The store failed."""

    code = "E400"


class NotFoundError(StoreError):
    """A stored thing asked for by id (an article, a speaker, an entity) does not exist."""

    code = "E404"
