"""CMS Place of Service codes: one edition, the HL7 terminology copy of the CMS list.

The POS list CMS publishes is a web page; the release read here is its FHIR CodeSystem
(`cs-CMS-PlaceofServiceCodes.xml`), whose `version` (YYYYMMDD) is the edition.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from codefolio.refdata import parse
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.release import ReleaseData, ReleaseFile, Row

_FHIR = "{http://hl7.org/fhir}"


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"pos": list(parse.pos_rows(paths[0]))}


def _recognizes(file: ReleaseFile) -> bool:
    return file.suffix == ".xml" and b"PlaceofService" in file.data[:4096].replace(b" ", b"")


def read_codesystem(file: ReleaseFile) -> ReleaseData:
    """Concepts of the CodeSystem: code, display (name) and definition (description)."""
    from xml.etree import ElementTree  # only an import reads XML: a build of publications never

    if b"<!DOCTYPE" in file.data or b"<!ENTITY" in file.data:
        raise file.fail("declares a DOCTYPE or entities, which a FHIR CodeSystem never does")
    try:
        root = ElementTree.fromstring(file.data)
    except ElementTree.ParseError as error:
        raise file.fail(f"malformed XML ({error}); the file may be cut off") from None
    version = root.find(f"{_FHIR}version")
    text = "" if version is None else version.get("value", "")
    if not re.fullmatch(r"\d{8}", text):
        raise file.fail(f"CodeSystem version {text!r} is not a YYYYMMDD date")
    rows: list[Row] = []
    for concept in root.iter(f"{_FHIR}concept"):
        values = {
            name: (
                element.get("value", "")
                if (element := concept.find(f"{_FHIR}{name}")) is not None
                else ""
            )
            for name in ("code", "display", "definition")
        }
        if not re.fullmatch(r"\d{2}", values["code"].strip()):
            raise file.fail(f"concept code {values['code']!r} is not a two-digit POS code")
        rows.append(
            (values["code"].strip(), values["display"].strip(), values["definition"].strip())
        )
    if not rows:
        raise file.fail("holds no concepts")
    day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return ReleaseData("pos", day.isoformat(), None, None, {"pos": rows})


SPEC = DataSetSpec(
    id="pos",
    tables=(
        Table("pos", "code TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL", "code"),
    ),
    load_shipped=_load_shipped,
    readers=(
        Reader("CMS Place of Service code set, FHIR CodeSystem XML", _recognizes, read_codesystem),
    ),
    diffs=(Diffed("pos", "code", ("code",), (Compared("name", "name", "renamed"),)),),
)
