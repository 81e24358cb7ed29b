"""The one user-facing error type, and the position every problem carries.

Below the CLI nothing prints or exits: stages raise :class:`UserError` holding
every :class:`Problem` they found, and the CLI reports them together (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file: path relative to the project root, 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, where it is, and what was expected."""

    position: Position
    message: str
    key_path: str = ""

    def __str__(self) -> str:
        where = f"{self.position}: "
        return f"{where}{self.key_path}: {self.message}" if self.key_path else f"{where}{self.message}"


class UserError(Exception):
    """Bad input or usage: reported without traceback, exit code 2."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            self.text = problems
        else:
            self.problems = tuple(sorted(set(problems)))
            self.text = "\n".join(str(p) for p in self.problems)
        super().__init__(self.text)

    def __reduce__(self) -> tuple[type[UserError], tuple[tuple[Problem, ...] | str]]:
        # Keeps the problems when the error crosses a process boundary (parallel rendering).
        return (UserError, (self.problems if self.problems else self.text,))


def raise_if(problems: Iterable[Problem]) -> None:
    """Raise one :class:`UserError` carrying every problem, if there are any."""
    collected = list(problems)
    if collected:
        raise UserError(collected)
