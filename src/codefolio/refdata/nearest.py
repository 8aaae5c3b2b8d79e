"""Nearest known codes for "did you mean": same leading characters first, then closeness.

Codes of one kind share a shape, so the longest shared prefix is the strongest signal;
among equals, the code numerically closest (read in base 36) wins. Only the window of
codes sharing a prefix is ranked, so this stays fast on the 98,000 ICD-10-CM codes.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Sequence


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count


def _distance(a: str, b: str) -> int:
    """How far apart two codes of the same length are when read as base-36 numbers."""
    if len(a) != len(b) or not (a.isalnum() and b.isalnum()):
        return 36**12
    return abs(int(a, 36) - int(b, 36))


def rank_nearest(code: str, known: Sequence[str], limit: int = 5) -> list[str]:
    """Up to `limit` codes from the sorted `known` closest to `code`, best first.

    The code itself is never suggested.
    """
    if limit <= 0 or not known:
        return []
    pool: Sequence[str] = known
    for length in range(len(code), 0, -1):
        prefix = code[:length]
        start = bisect_left(known, prefix)
        end = bisect_left(known, prefix + "\U0010ffff")
        if end - start > limit or (length == 1 and end > start):
            pool = known[start:end]
            break
    return heapq.nsmallest(
        limit,
        (candidate for candidate in pool if candidate != code),
        key=lambda candidate: (
            -_shared_prefix(code, candidate),
            _distance(code, candidate),
            candidate,
        ),
    )
