"""Compose: record -> Publication, one module per section."""

from codefolio.compose.model import MISSING_TEXT, Publication, Section, SourceRef
from codefolio.compose.publication import compose_publication

__all__ = ["MISSING_TEXT", "Publication", "Section", "SourceRef", "compose_publication"]
