"""JSON: the Publication itself, validating against the schema `codefolio schema` prints."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from typer.testing import CliRunner

from codefolio.cli.app import app
from codefolio.compose.model import Publication
from codefolio.render import render
from codefolio.render.json import publication_schema
from tests.conftest import example_data, publish
from tests.test_render_html import chart_publication


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == publication_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_json(publication: Publication) -> Any:
    return json.loads(render(publication, "json").decode("utf-8"))


@pytest.mark.parametrize("code", ["J9306", "J9355"])
def test_every_example_validates_and_round_trips(
    validator: Draft202012Validator, code: str
) -> None:
    publication = publish(example_data(code))
    data = as_json(publication)
    validator.validate(data)
    assert Publication.model_validate(data) == publication
    assert data["code"] == code
    assert [s["id"] for s in data["sections"]][:2] == ["summary", "overview"]


def test_hand_built_publication_with_chart_and_datasets_validates(
    validator: Draft202012Validator,
) -> None:
    publication = chart_publication()
    data = as_json(publication)
    validator.validate(data)
    table = data["sections"][0]["blocks"][1]
    assert table["chart"] == {
        "unit": "USD per unit",
        "points": [{"label": "2026 Q1", "value": "10.00"}, {"label": "2026 Q2", "value": "5"}],
    }
    assert data["datasets"][0] == {
        "id": "asp",
        "name": "ASP pricing file",
        "publisher": "CMS",
        "edition": "2026-Q2",
    }
    assert Publication.model_validate(data) == publication


def test_missing_blocks_are_kept(validator: Draft202012Validator) -> None:
    data = as_json(publish(example_data("J9306")))
    payers = next(s for s in data["sections"] if s["id"] == "payers")
    blocks = [b for sub in payers["subsections"] for b in sub["blocks"]]
    assert next(b for b in blocks if b["type"] == "missing") == {
        "type": "missing",
        "element": "payers[1].coverage",
        "label": "Coverage details for Blue Cross Blue Shield",
        "required": True,
        "text": "Data not available in the input.",
    }


def break_block_type(data: dict[str, Any]) -> None:
    data["sections"][0]["blocks"][0]["type"] = "banner"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda data: data.pop("sections"),
        lambda data: data.update(code=9306),
        lambda data: data.update(unknown="x"),
        break_block_type,
        lambda data: data["sources"].append({"kind": "web", "ref": "x"}),
    ],
)
def test_schema_rejects_what_is_not_a_publication(
    validator: Draft202012Validator, breakage: Any
) -> None:
    data = copy.deepcopy(as_json(publish(example_data("J9355"))))
    breakage(data)
    with pytest.raises(ValidationError):
        validator.validate(data)


def test_json_is_utf8_with_one_trailing_newline() -> None:
    raw = render(publish(example_data("J9306")), "json")
    assert raw.endswith(b"}\n")
    assert "Oncology—chemotherapy/biologics" in raw.decode("utf-8")
