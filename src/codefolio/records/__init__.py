"""Input records: the model, the readers, and the list of required elements."""

from codefolio.records.load import LoadedRecord, load_record, load_records, read_record
from codefolio.records.model import CodeRecord
from codefolio.records.required import REQUIRED_ELEMENTS, MissingElement, missing_elements

__all__ = [
    "REQUIRED_ELEMENTS",
    "CodeRecord",
    "LoadedRecord",
    "MissingElement",
    "load_record",
    "load_records",
    "missing_elements",
    "read_record",
]
