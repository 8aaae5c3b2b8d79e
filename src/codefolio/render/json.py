"""Publication -> JSON: the Publication itself, with a published JSON Schema."""

from __future__ import annotations

from typing import Any

from codefolio.compose.model import Publication

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_json(publication: Publication) -> bytes:
    """The UTF-8 bytes pydantic writes, as `model_dump_json(indent=2)` would give them as
    text, without decoding them to text and encoding them again."""
    return publication.__pydantic_serializer__.to_json(publication, indent=2) + b"\n"


def publication_schema() -> dict[str, Any]:
    """The JSON Schema every JSON publication validates against (the serialised form)."""
    schema = Publication.model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, **schema}
