"""Versioned reference data sets (HCPCS, POS, NUCC, ICD-10-CM, MUE, ASP, OPPS) and lookups.

`open_reference_data()` is the entry point; every result cites its data set edition.
"""

from __future__ import annotations

from codefolio.refdata.codes import KINDS, Kind, infer_kind, normalize_ndc
from codefolio.refdata.lookup import (
    ReferenceData,
    forget_reference_data,
    open_reference_data,
    rebuild_reference_data,
)
from codefolio.refdata.manifest import DataFile, DataSet, Release, Source
from codefolio.refdata.models import (
    AspLimit,
    Diagnosis,
    HcpcsCode,
    Modifier,
    Mue,
    NdcPackage,
    OppsRate,
    PlaceOfService,
    ReferenceRow,
    Taxonomy,
)
from codefolio.refdata.store import BuildReport, default_store_dir, store_needs_build

__all__ = [
    "KINDS",
    "AspLimit",
    "BuildReport",
    "DataFile",
    "DataSet",
    "Diagnosis",
    "HcpcsCode",
    "Kind",
    "Modifier",
    "Mue",
    "NdcPackage",
    "OppsRate",
    "PlaceOfService",
    "ReferenceData",
    "ReferenceRow",
    "Release",
    "Source",
    "Taxonomy",
    "default_store_dir",
    "forget_reference_data",
    "infer_kind",
    "normalize_ndc",
    "open_reference_data",
    "rebuild_reference_data",
    "store_needs_build",
]
