"""The error tree, and the one place that formats a message for the operator.

    FeedpubError            str(e) is the whole message for the operator
    ├── InputError          a mistake in a file we read: location, field, problem, hint
    │   ├── ConfigError     feedpub.yaml or articles/sections.yaml
    │   └── ArticleError    one article record
    ├── BuildError          feeds could not be produced from valid input
    ├── OutputError         feeds could not be written
    └── PublishError        a target could not be brought up to date: target, file, cause

A user mistake is always an ``InputError`` and reads as one line::

    articles/politics/talks.md:7: published: expected a date-time with a UTC offset, got
    '2026-05-01T10'. Write it as 2026-05-01T10:00:00+03:30.

Anything that is not a ``FeedpubError`` is a bug in feedpub.
"""

from __future__ import annotations

from dataclasses import dataclass


class FeedpubError(Exception):
    """Base of every error feedpub reports to the operator."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input file, as the operator will read it."""

    path: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        text = _sentence(self.message)
        if self.hint:
            text += " " + _sentence(self.hint)
        parts.append(text)
        return ": ".join(parts)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


class InputError(FeedpubError):
    """One or more problems in an input file; each renders as one line."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(InputError):
    """feedpub.yaml or articles/sections.yaml is wrong: nothing can be built."""


class ArticleError(InputError):
    """An article record is wrong: that record is left out, the others are built."""


class BuildError(FeedpubError):
    """Valid input that still cannot become a feed."""


class OutputError(FeedpubError):
    """A feed could not be written to its destination."""


class PublishError(FeedpubError):
    """A target could not be updated; ``where`` names the target and file once known."""

    def __init__(self, message: str, *, target: str | None = None, path: str | None = None):
        self.message = message
        self.target = target
        self.path = path
        super().__init__(message)

    def at(self, target: str, path: str | None) -> PublishError:
        """The same error, placed at a target and file."""
        return PublishError(self.message, target=target, path=path)

    def __str__(self) -> str:
        where = " ".join(
            p for p in (f"target {self.target}" if self.target else "", self.path or "") if p
        )
        text = self.message if self.message.endswith(".") else self.message + "."
        return f"{where}: {text}" if where else text
