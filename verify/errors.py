"""Errors a user can cause, each turned into one clear line and a non-zero exit by the CLI.

::

    VerifyError
     ├── InputError      bad file, bad line, unknown column, empty text   (exit 1)
     ├── ModelError      an embedding model cannot be loaded offline      (exit 1)
     ├── ConfigError     bad registry, lexicon, reviews or template file  (exit 1)
     └── OutputError     an output path that is not a writable folder     (exit 1)

An ``OSError`` the CLI meets while writing (a full disk, a read-only file system) is reported the
same way: one line naming the file, exit 1.
"""

from __future__ import annotations


class VerifyError(Exception):
    """Base of every error ``verify`` reports to its user."""


class InputError(VerifyError):
    """A problem with an input document: names the file (and line) and what is wrong."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        # Errors raised in a worker process travel back pickled.
        return (type(self), (self.path, self.message, self.line))


class ModelError(VerifyError):
    """An embedding model cannot be loaded or used."""


class ConfigError(VerifyError):
    """A registry, lexicon, reviews or template file is unusable."""


class OutputError(VerifyError):
    """An output folder or file that cannot be created or written (names the path)."""
