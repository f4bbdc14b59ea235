"""The small protocol every publish target implements, and the retry policy they share."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, TypeVar

T = TypeVar("T")


class TargetStore(Protocol):
    """A place that holds published files. Every write is atomic per file.

    Used as a context manager: entering connects, leaving disconnects.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""

    def put(self, path: str, content: bytes, content_type: str, sha256: str) -> None:
        """Store ``content`` at ``path``; readers see the old file or the new one."""

    def delete(self, path: str) -> None:
        """Remove ``path``; a file already gone is not an error."""


class StoreBase:
    """The context-manager part every store shares: leaving the block calls close()."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release connections; nothing to do by default."""


class TransientError(Exception):
    """A failure worth retrying (connection lost, timeout, server busy)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    first_delay: float = 0.5  # then doubled: 0.5 s, 1 s, 2 s
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], T], on_retry: Callable[[], None] | None = None) -> T:
        """``action()``, tried again with backoff while it raises TransientError."""
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return action()
            except TransientError:
                if attempt == self.attempts:
                    raise
                self.sleep(delay)
                delay *= 2
                if on_retry is not None:
                    on_retry()
        raise AssertionError("unreachable")  # pragma: no cover
