"""Administration pairing: add-on codes are reported only with their primary code.

Code numbers only: CPT descriptors are the AMA's and are never shipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

PAIRING_RULE: Final = (
    "CPT guidelines for chemotherapy and other highly complex drug administration "
    "(96401-96549): add-on codes are reported with their primary code"
)

# Add-on administration code -> the primary codes it is reported with (CPT instructions).
ADD_ON_PRIMARIES: Final[dict[str, tuple[str, ...]]] = {
    "96411": ("96409", "96413"),
    "96415": ("96413",),
    "96417": ("96413",),
    "96423": ("96422",),
}


@dataclass(frozen=True)
class Pairing:
    """One add-on code among `codes`, and whether any of its primary codes is there too."""

    add_on: str
    primaries: tuple[str, ...]
    primary_present: bool


def pairings(codes: Iterable[str]) -> list[Pairing]:
    """The add-on codes in `codes`, in order, each with its primaries and whether one is
    listed."""
    listed = list(codes)
    return [
        Pairing(code, ADD_ON_PRIMARIES[code], any(p in listed for p in ADD_ON_PRIMARIES[code]))
        for code in listed
        if code in ADD_ON_PRIMARIES
    ]
