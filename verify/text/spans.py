"""Overlap tests between character spans in time linear in the text, not in the number of spans.

Matchers find many candidate spans and keep those that do not overlap the ones kept before
(longest first); other extractors drop hits that overlap a list of spans. Comparing each span
with every other one is quadratic, which a long sentence repeating one lexicon word turns into
minutes. :class:`Occupied` marks the characters taken, so that one test costs the span's length.

Spans are half-open ``[start, end)``; two overlap when each starts before the other ends. An
empty span overlaps nothing and takes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar


class SpanLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


T = TypeVar("T")


class Occupied:
    """The characters covered by the spans taken so far."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._marks = bytearray()
        for start, end in spans:
            self.take(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with a span taken."""
        start = max(start, 0)
        end = min(end, len(self._marks))
        return start < end and self._marks.find(1, start, end) != -1

    def take(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` as taken."""
        start = max(start, 0)
        if end <= start:
            return
        if end > len(self._marks):
            self._marks.extend(bytes(max(end, 2 * len(self._marks)) - len(self._marks)))
        self._marks[start:end] = b"\x01" * (end - start)


def occupied_by(spans: Iterable[SpanLike]) -> Occupied:
    """The characters covered by ``spans`` (objects with ``start`` and ``end``)."""
    return Occupied((s.start, s.end) for s in spans)


def keep_disjoint(items: Iterable[T], bounds: Callable[[T], tuple[int, int]]) -> list[T]:
    """``items`` in their order, each kept unless it overlaps one kept before (greedy)."""
    taken = Occupied()
    kept = []
    for item in items:
        start, end = bounds(item)
        if not taken.overlaps(start, end):
            taken.take(start, end)
            kept.append(item)
    return kept
