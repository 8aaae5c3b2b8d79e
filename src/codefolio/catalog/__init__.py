"""Catalogue: many records -> many publications, and the static site over them."""

from codefolio.catalog.site import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
