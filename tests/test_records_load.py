"""Reading records: every way a file can be wrong gets a clear, located error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codefolio.errors import RecordError
from codefolio.records import load_record
from codefolio.records.source import MAX_RECORD_BYTES
from tests.conftest import EXAMPLES


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_record(path, display=path.name)
    return [str(problem) for problem in caught.value.problems]


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_example_records_load() -> None:
    record = load_record(EXAMPLES / "J9306.yaml")
    assert record.code == "J9306"
    assert record.system == "HCPCS Level II"
    assert [m.code for m in record.modifiers] == ["JW", "59"]
    assert [s.pos for s in record.sites_of_service] == ["11", "22"]
    assert [p.name for p in record.payers] == [
        "Aetna",
        "Blue Cross Blue Shield",
        "Cigna Health",
        "UnitedHealthcare",
    ]
    assert record.drug is not None and record.drug.packages[0].ndc == "50242-0145-01"


def test_json_record_equals_yaml_record(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "J9306.yaml").read_text(encoding="utf-8"))
    path = write(tmp_path, json.dumps(data, ensure_ascii=False, indent=2), "J9306.json")
    assert load_record(path) == load_record(EXAMPLES / "J9306.yaml")


def test_the_issue_example_message(tmp_path: Path) -> None:
    lines = ["code: J9306"] + [""] * 11 + ["modifiers:", "  - code: JW", "  - code: J W"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert problems_of(path) == [
        "bad.yaml:15 modifiers[1].code: 'J W' is not a valid modifier code "
        "(expected two letters or digits, such as JW or 59)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "code: J9306\ndescriptor: [1, 2]\n",
            "bad.yaml:2 descriptor: expected text, got a list of 2 items",
            id="list-for-text",
        ),
        pytest.param(
            "code: J9306\ndescriptor: 123\n",
            "bad.yaml:2 descriptor: expected text, got the number 123",
            id="number-for-text",
        ),
        pytest.param(
            "code: J9306\nmodifiers: JW\n",
            "bad.yaml:2 modifiers: expected a list, got the text 'JW'",
            id="text-for-list",
        ),
        pytest.param(
            "code: J9306\npayers:\n  - Aetna\n",
            "bad.yaml:3 payers[0]: expected a mapping of fields, got the text 'Aetna'",
            id="text-for-mapping",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  packages:\n    - ndc: 50242-0145-01\n      single_dose: maybe\n",
            "bad.yaml:5 drug.packages[0].single_dose: expected true or false, got the text 'maybe'",
            id="text-for-bool",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  doses:\n    - label: Loading\n      amount: lots\n"
            "      unit: mg\n",
            "bad.yaml:5 drug.doses[0].amount: expected a number, got the text 'lots'",
            id="text-for-number",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  doses:\n    - label: Loading\n      amount: 0\n      unit: mg\n",
            "bad.yaml:5 drug.doses[0].amount: 0 must be greater than 0",
            id="zero-dose",
        ),
        pytest.param(
            "code: J9306\nmodifers:\n  - code: JW\n",
            "bad.yaml:2 modifers: unknown field 'modifers' (did you mean 'modifiers'?)",
            id="unknown-field-did-you-mean",
        ),
        pytest.param(
            "code: J9306\npayers:\n  - name: Aetna\n    priorauth: yes\n",
            "bad.yaml:4 payers[0].priorauth: unknown field 'priorauth' "
            "(did you mean 'prior_authorization'?)",
            id="nested-unknown-field",
        ),
        pytest.param(
            "code: J9306\ncolour: blue\n",
            "bad.yaml:2 colour: unknown field 'colour' (allowed here: administration_codes, "
            "audience, benchmarks, clinical_context, code, code_system, descriptor, diagnoses, "
            "documentation, drug, format, modifiers, payers, provider_taxonomies, related_codes, "
            "service_type, sites_of_service)",
            id="unknown-field-lists-allowed",
        ),
        pytest.param(
            "descriptor: Injection\n",
            "bad.yaml:1 code: required field is missing",
            id="missing-code",
        ),
        pytest.param(
            "code: J93O6\n",
            "bad.yaml:1 code: 'J93O6' is not a valid billing code (expected a HCPCS Level II "
            "code such as J9306 or a CPT code such as 96413)",
            id="bad-code-shape",
        ),
        pytest.param(
            "code: J9306\ncode_system: CPT\n",
            "bad.yaml:2 code_system: code 'J9306' has the shape of a HCPCS Level II code, not CPT",
            id="code-system-mismatch",
        ),
        pytest.param(
            "format: codefolio/2\ncode: J9306\n",
            "bad.yaml:1 format: 'codefolio/2' is not allowed; expected 'codefolio/1'",
            id="unknown-format",
        ),
        pytest.param(
            "code: J9306\nsites_of_service:\n  - pos: 1\n",
            "bad.yaml:3 sites_of_service[0].pos: '1' is not a valid Place of Service code "
            '(expected two digits, quoted in YAML, such as "11" or "01")',
            id="pos-one-digit",
        ),
        pytest.param(
            "code: J9306\nsites_of_service:\n  - pos: 011\n",
            "bad.yaml:3 sites_of_service[0].pos: '011' is not a valid Place of Service code "
            '(expected two digits, quoted in YAML, such as "11" or "01")',
            id="pos-octal-keeps-its-digits",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  packages:\n    - ndc: '5024201450'\n",
            "bad.yaml:4 drug.packages[0].ndc: NDC '5024201450' is 10 digits without hyphens, "
            "which is ambiguous (4-4-2, 5-3-2 and 5-4-1 pad to 11 digits differently): write it "
            "with its hyphens, such as 50242-0145-01, or as 11 digits",
            id="ndc-ambiguous",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  packages:\n    - ndc: 50242-145\n",
            "bad.yaml:4 drug.packages[0].ndc: '50242-145' is not an NDC (expected 10 digits "
            "hyphenated 4-4-2, 5-3-2 or 5-4-1, or 11 digits 5-4-2 with or without hyphens)",
            id="ndc-malformed",
        ),
        pytest.param(
            "code: J9306\nprovider_taxonomies:\n  - code: 207RX0202\n",
            "bad.yaml:3 provider_taxonomies[0].code: '207RX0202' is not a valid NUCC taxonomy "
            "code (expected ten characters ending in X, such as 207RX0202X)",
            id="taxonomy-short",
        ),
        pytest.param(
            "code: J9306\ndiagnoses:\n  - code: U07\n",
            "bad.yaml:3 diagnoses[0].code: 'U07' is not a valid ICD-10-CM code (expected a "
            "letter, two characters and up to four more after a dot, such as C50.011)",
            id="icd10-u-codes-are-not-icd10cm-shapes",
        ),
        pytest.param(
            "code: J9306\nmodifiers:\n  - code: JW\n  - code: jw\n",
            "bad.yaml:3 modifiers: code 'JW' is listed twice (items [0] and [1]); keep one",
            id="duplicate-modifier",
        ),
        pytest.param(
            "code: J9306\ndrug:\n  packages:\n    - ndc: 50242-0145-01\n    - ndc: 50242-145-01\n",
            "bad.yaml:4 drug.packages: NDC '50242014501' is listed twice (items [0] and [1]); "
            "keep one",
            id="duplicate-ndc-in-two-hyphenations",
        ),
        pytest.param(
            "code: J9306\ndescriptor: '   '\n",
            "bad.yaml:2 descriptor: is empty; give a value or leave the field out",
            id="blank-text",
        ),
        pytest.param(
            'code: J9306\ndescriptor: "Inj\\e[31mred"\n',
            "bad.yaml:2 descriptor: contains the control character U+001B; remove it",
            id="terminal-escape",
        ),
        pytest.param(
            "code: J9306\ndescriptor: a\ndescriptor: b\n",
            "bad.yaml:3 descriptor: key 'descriptor' appears twice (first on line 2); keep one",
            id="duplicate-key",
        ),
    ],
)
def test_invalid_records(tmp_path: Path, text: str, expected: str) -> None:
    assert problems_of(write(tmp_path, text)) == [expected]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = "code: J9306\ndescriptor: 5\nmodifers: []\nmodifiers:\n  - code: J W\n"
    assert problems_of(write(tmp_path, text)) == [
        "bad.yaml:2 descriptor: expected text, got the number 5",
        "bad.yaml:3 modifers: unknown field 'modifers' (did you mean 'modifiers'?)",
        "bad.yaml:5 modifiers[0].code: 'J W' is not a valid modifier code "
        "(expected two letters or digits, such as JW or 59)",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "bad.yaml: file is empty; a record needs at least `code:`", id="empty"),
        pytest.param(
            b"  \n\n", "bad.yaml: file is empty; a record needs at least `code:`", id="blank"
        ),
        pytest.param(
            b"# only a comment\n",
            "bad.yaml: file holds no YAML document; a record needs at least `code:`",
            id="comment-only",
        ),
        pytest.param(
            b"code: J9306\ndescriptor: Inj\xe9ction\n",
            "bad.yaml:2: is not UTF-8 text: byte 0xe9 at offset 27 cannot be decoded; "
            "save the file as UTF-8",
            id="latin-1",
        ),
        pytest.param(
            b"code: J9306\nmodifiers: [JW\n",
            "bad.yaml:3: malformed YAML: while parsing a flow sequence did not find expected "
            "',' or ']'",
            id="unclosed-bracket",
        ),
        pytest.param(
            b"code: J9306\n  descriptor: x\n",
            "bad.yaml:2: malformed YAML: mapping values are not allowed in this context",
            id="bad-indent",
        ),
        pytest.param(
            b"- code: J9306\n",
            "bad.yaml:1: expected a mapping of record fields at the top level, "
            "got a list of 1 item",
            id="top-level-list",
        ),
        pytest.param(
            b"code: J9306\n---\ncode: J9355\n",
            "bad.yaml:2: file holds more than one YAML document; a record file holds one",
            id="two-documents",
        ),
        pytest.param(
            b"code: J9306\n1: x\n",
            "bad.yaml:2: key '1' is a number, not a field name; field names are text",
            id="number-key",
        ),
        pytest.param(
            b"code: J9306\npayers:\n  - name: Aetna\n    yes: 1\n",
            "bad.yaml:4 payers[0]: key 'yes' is true/false, not a field name; field names are text",
            id="yes-key",
        ),
        pytest.param(
            b"code: &a [*a]\n",
            "bad.yaml:1: YAML alias refers to itself (recursive anchor)",
            id="recursive-alias",
        ),
        pytest.param(
            b"code: J9306\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n",
            "bad.yaml:2: YAML is nested too deeply to be a record",
            id="deep-nesting",
        ),
    ],
)
def test_unreadable_yaml(tmp_path: Path, content: bytes, expected: str) -> None:
    assert problems_of(write(tmp_path, content)) == [expected]


def test_yaml_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    problems = problems_of(write(tmp_path, "code: J9306\n" + "\n".join(lines) + "\n"))
    assert len(problems) == 1
    assert (
        "YAML anchors and aliases expand to more than 50,000 values (an alias bomb?)" in problems[0]
    )


def test_small_anchor_use_is_allowed(tmp_path: Path) -> None:
    text = (
        "code: J9306\nmodifiers:\n  - &jw {code: JW, usage: Discarded amount}\n"
        "administration_codes:\n  - code: '96413'\n"
    )
    record = load_record(write(tmp_path, text))
    assert record.modifiers[0].usage == "Discarded amount"


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"code: J9306\n")
        handle.write(b"# padding line for a fifty megabyte file\n" * (50 * 1024 * 1024 // 42))
    assert path.stat().st_size > 50_000_000
    [problem] = problems_of(path)
    assert problem.startswith("huge.yaml: file is ")
    assert problem.endswith(f"bytes; a record may be at most {MAX_RECORD_BYTES:,} bytes")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(
            "bad.json",
            '{"code": "J9306",\n "descriptor": }\n',
            "bad.json:2: malformed JSON: Expecting value (column 16)",
            id="json-syntax",
        ),
        pytest.param(
            "bad.json",
            '{"code": "J9306", "code": "J9355"}',
            "bad.json: malformed JSON: key 'code' appears twice in one object",
            id="json-duplicate-key",
        ),
        pytest.param(
            "bad.json",
            '{\n  "code": "J9306",\n  "descriptor": 5\n}\n',
            "bad.json:3 descriptor: expected text, got the number 5",
            id="json-wrong-type-has-line",
        ),
        pytest.param(
            "bad.txt",
            "code: J9306\n",
            "bad.txt: unsupported file type '.txt'; use .yaml, .yml or .json",
            id="wrong-suffix",
        ),
    ],
)
def test_unreadable_json_and_suffix(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert problems_of(write(tmp_path, content, name)) == [expected]


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == ["nope.yaml: file not found"]


def test_codes_written_as_numbers_keep_their_digits(tmp_path: Path) -> None:
    text = (
        "code: J9306\nmodifiers:\n  - code: 59\nsites_of_service:\n  - pos: 22\n"
        "administration_codes:\n  - code: 96413\ndiagnoses:\n  - code: c50011\n"
        "payers:\n  - name: Aetna\n    prior_authorization: true\n"
    )
    record = load_record(write(tmp_path, text))
    assert record.modifiers[0].code == "59"
    assert record.sites_of_service[0].pos == "22"
    assert record.administration_codes[0].code == "96413"
    assert record.diagnoses[0].code == "C50.011"
    assert record.payers[0].prior_authorization == "Required"


def test_cpt_record_infers_its_code_system(tmp_path: Path) -> None:
    record = load_record(write(tmp_path, "code: '96413'\n"))
    assert record.system == "CPT"
    assert not record.is_drug_code
