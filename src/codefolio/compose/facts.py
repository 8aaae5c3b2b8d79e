"""The reference-data facts about one record, looked up once before any section is composed.

Sections read only these facts and the record; the input always wins where both say
something, and every data set fact is cited as `dataset@edition:key.field`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from codefolio.billing.claim_forms import form_for_pos
from codefolio.billing.ndc import normalize_ndc
from codefolio.billing.rules import in_force
from codefolio.billing.units import parse_billing_unit
from codefolio.compose.common import join_words, src
from codefolio.compose.model import DataSetEdition, SourceRef
from codefolio.records.model import CodeRecord, SiteOfService
from codefolio.refdata import (
    AspLimit,
    Diagnosis,
    HcpcsCode,
    Modifier,
    Mue,
    NdcPackage,
    OppsRate,
    PlaceOfService,
    ReferenceData,
    ReferenceRow,
    Taxonomy,
)


@dataclass(frozen=True)
class ReferenceFacts:
    hcpcs: HcpcsCode | None
    modifiers: dict[str, Modifier]
    wastage_modifiers: dict[str, Modifier]
    """JW and JZ, which worked examples put on drug lines whether or not the input lists them."""
    places: dict[str, PlaceOfService]
    taxonomies: dict[str, Taxonomy]
    diagnoses: dict[str, Diagnosis]
    mue: list[Mue]
    asp: list[AspLimit]
    """Payment limits per quarter, oldest first."""
    ndc_packages: list[NdcPackage]
    """The latest crosswalk quarter's packages for the code."""
    opps: OppsRate | None
    datasets: dict[str, DataSetEdition]
    """Every shipped data set by id (name, publisher, latest edition), to name what is cited."""
    as_of: date
    """The date the publication is true for: rules in force and data set editions by it."""
    policy_modifiers: dict[str, Modifier]
    """JW, JZ, JG, TB, PO and PN from the HCPCS file: the modifiers billing rules name."""
    mue_settings: frozenset[str]
    """The MUE tables of the record's sites (practitioner for the office, outpatient hospital
    for POS 19 and 22); both when the record names neither."""

    same_ingredient: list[HcpcsCode]
    """Other HCPCS codes in use on the as-of date whose descriptor names the record's
    generic drug name."""

    def in_force(self, rule_id: str) -> bool:
        return in_force(rule_id, self.as_of)

    def crosswalk_row(self, ndc: str) -> NdcPackage | None:
        """The latest crosswalk's row for an NDC of the record, in any hyphenation."""
        ndc11 = normalize_ndc(ndc)
        return next((row for row in self.ndc_packages if row.ndc11 == ndc11), None)


POLICY_MODIFIERS = ("JW", "JZ", "JG", "TB", "PO", "PN")


def gather_facts(record: CodeRecord, ref: ReferenceData, as_of: date) -> ReferenceFacts:
    """Look up everything the data sets say about the codes in `record`, in the editions
    in force on `as_of`."""
    ref = ref.at(as_of)
    modifiers = {m.code: hit for m in record.modifiers if (hit := ref.modifier(m.code))}
    places = {s.pos: place for s in record.sites_of_service if (place := ref.pos(s.pos))}
    taxonomies = {
        t.code: taxonomy for t in record.provider_taxonomies if (taxonomy := ref.taxonomy(t.code))
    }
    diagnoses = {d.code: diagnosis for d in record.diagnoses if (diagnosis := ref.icd10(d.code))}
    datasets = ref.remembered(("dataset editions",), lambda: _dataset_editions(ref))
    policy = {code: hit for code in POLICY_MODIFIERS if (hit := ref.modifier(code))}
    settings = frozenset(
        form.mue_setting
        for site in record.sites_of_service
        if (form := form_for_pos(site.pos)) is not None
    )
    generic = record.drug.generic_name if record.drug else None
    same = [
        row
        for row in (ref.hcpcs_naming(generic) if generic else [])
        if row.code != record.code
        # A drug code names its dose ("10 mg"); a quality or reporting code naming the drug
        # ("<drug> administered within 12 months of diagnosis") does not.
        and parse_billing_unit(row.long_description) is not None
        and (row.termination_date is None or row.termination_date >= as_of)
        and (row.add_date is None or row.add_date <= as_of)
    ]
    return ReferenceFacts(
        hcpcs=ref.hcpcs(record.code),
        modifiers=modifiers,
        wastage_modifiers={code: policy[code] for code in ("JW", "JZ") if code in policy},
        places=places,
        taxonomies=taxonomies,
        diagnoses=diagnoses,
        mue=ref.mue(record.code),
        asp=ref.asp_history(record.code),
        ndc_packages=ref.ndc_packages(record.code),
        opps=ref.opps(record.code),
        datasets=datasets,
        as_of=as_of,
        policy_modifiers=policy,
        same_ingredient=same,
        mue_settings=settings or frozenset({"practitioner", "outpatient_hospital"}),
    )


def _dataset_editions(ref: ReferenceData) -> dict[str, DataSetEdition]:
    """Every shipped data set by id, in the edition the view answers from: the same for
    every record of a catalogue, so made once per view."""
    return {
        entry.id: DataSetEdition(
            id=entry.id, name=entry.name, publisher=entry.publisher, edition=ref.edition(entry.id)
        )
        for entry in ref.datasets()
    }


def cite(row: ReferenceRow, *fields: str) -> list[SourceRef]:
    """Data set references for fields of one data set row."""
    return [SourceRef(kind="dataset", ref=row.source(name)) for name in fields]


@dataclass(frozen=True)
class Sourced:
    """A value and where it comes from: the input, or a data set when the input is silent."""

    text: str
    sources: list[SourceRef]


def descriptor_of(record: CodeRecord, facts: ReferenceFacts) -> Sourced | None:
    """The input's descriptor, else the HCPCS long descriptor; a CPT descriptor is never
    filled because the CPT code set (AMA) is not shipped."""
    if record.descriptor:
        return Sourced(record.descriptor, src("code", "descriptor"))
    if facts.hcpcs is not None:
        return Sourced(facts.hcpcs.long_description, cite(facts.hcpcs, "long_description"))
    return None


def site_phrase(site: SiteOfService, index: int, facts: ReferenceFacts) -> Sourced:
    """`Place of Service 11 (Office)`: the input's name, else the POS data set's."""
    sources = src(f"sites_of_service[{index}].pos")
    name = site.name
    if name:
        sources += src(f"sites_of_service[{index}].name")
    elif site.pos in facts.places:
        name = facts.places[site.pos].name
        sources += cite(facts.places[site.pos], "name")
    text = f"Place of Service {site.pos} ({name})" if name else f"Place of Service {site.pos}"
    return Sourced(text, sources)


def sites_phrase(sites: Iterable[tuple[int, SiteOfService]], facts: ReferenceFacts) -> Sourced:
    """Sites of service (with their index in the record) as one phrase, citing each."""
    phrases = [site_phrase(site, index, facts) for index, site in sites]
    return Sourced(
        join_words([p.text for p in phrases]), [ref for p in phrases for ref in p.sources]
    )
