"""Catalogue: many records -> many publications, and the static site over them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codefolio.catalog.site import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]


def __getattr__(name: str) -> Any:
    """The site builder, imported when first asked for: it loads compose and render,
    which a catalogue rebuild with nothing to publish never needs."""
    if name in __all__:
        from codefolio.catalog import site

        return getattr(site, name)
    raise AttributeError(f"module 'codefolio.catalog' has no attribute {name!r}")
