"""The errors akhbar raises on purpose. Every one carries a reason a user can act on.

    AkhbarError
    ├── ConfigError            a setting has a value akhbar cannot use
    ├── InputError             one input item is bad; the rest of the work goes on
    │   ├── DecodeError        bytes that are not text in any encoding we accept
    │   ├── FormatError        text that is not the format it claims (JSON, CSV, page dump)
    │   └── TooLargeError      a line, a body or a file over its limit
    ├── StoreError             the store refused an operation (schema too new, locked, corrupt)
    ├── NotFoundError          an id or name that does not exist
    ├── FetchError             a network fetch failed (carries the URL and a reason)
    │   └── BlockedAddressError  the URL resolves to an address we refuse (SSRF guard)
    ├── ExtractionRejected     a page that did not yield an article (reason: too_short, ...)
    └── QueryError             a search query akhbar cannot understand (message says why)

`InputError` carries where the problem is (`path`, `line`), so a command can print
"demo/x.jsonl:12: not a JSON object" and move on to the next item.
"""

from __future__ import annotations


class AkhbarError(Exception):
    """Base of every error akhbar raises on purpose."""


class ConfigError(AkhbarError):
    pass


class InputError(AkhbarError):
    """One bad input item. `where()` says which file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class DecodeError(InputError):
    pass


class FormatError(InputError):
    pass


class TooLargeError(InputError):
    pass


class StoreError(AkhbarError):
    pass


class NotFoundError(AkhbarError):
    pass


class FetchError(AkhbarError):
    def __init__(self, reason: str, *, url: str, detail: str = "") -> None:
        super().__init__(f"{url}: {reason}" + (f" ({detail})" if detail else ""))
        self.reason = reason
        self.url = url
        self.detail = detail


class BlockedAddressError(FetchError):
    pass


class ExtractionRejected(AkhbarError):  # noqa: N818 - the name STYLE.md gives: a rejection, not an error
    def __init__(self, reason: str, **context: object) -> None:
        details = ", ".join(f"{k}={v}" for k, v in context.items())
        super().__init__(f"{reason}" + (f" ({details})" if details else ""))
        self.reason = reason
        self.context = context


class QueryError(AkhbarError):
    pass
