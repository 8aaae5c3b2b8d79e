"""What the coded fields of the HCPCS file and OPPS Addendum B mean, as their publishers
define them: the HCPCS record layout (pricing indicator, BETOS, type of service, action
code) and OPPS Addendum D1 (payment status indicators). A value not listed here is shown
bare and said to be undefined here, never guessed. Cited through the rules
`hcpcs-record-layout` and `opps-status-indicators` of `billing.rules`.
"""

from __future__ import annotations

from typing import Final

PRICING_INDICATORS: Final[dict[str, str]] = {
    "00": "service not separately priced by Part B",
    "11": "price established using national RVUs",
    "12": "price established using national anesthesia base units",
    "13": "price established by carriers (not otherwise classified, individual "
    "determination or carrier discretion)",
    "21": "price subject to national limitation amount",
    "22": "price established by carriers (gap-fills, carrier-established panels)",
    "31": "frequently serviced DME",
    "32": "inexpensive and routinely purchased DME",
    "33": "oxygen and oxygen equipment",
    "34": "DME supplies",
    "35": "surgical dressings",
    "36": "capped rental DME",
    "37": "ostomy, tracheostomy and urological supplies",
    "38": "orthotics, prosthetics, prosthetic devices and vision services",
    "39": "parenteral and enteral nutrition",
    "45": "customized DME items",
    "46": "carrier priced DME (not otherwise classified, individual determination or carrier "
    "discretion)",
    "51": "drugs",
    "52": "reasonable charge",
    "53": "statute",
    "54": "vaccinations",
    "57": "other carrier priced",
    "99": "value not established",
}

BETOS: Final[dict[str, str]] = {
    "O1A": "other: ambulance",
    "O1B": "other: chiropractic",
    "O1C": "other: enteral and parenteral",
    "O1D": "other: chemotherapy",
    "O1E": "other: other drugs",
    "O1F": "other: hearing and speech services",
    "O1G": "other: immunizations and vaccinations",
}

TYPES_OF_SERVICE: Final[dict[str, str]] = {
    "0": "whole blood",
    "1": "medical care",
    "2": "surgery",
    "3": "consultation",
    "4": "diagnostic radiology",
    "5": "diagnostic laboratory",
    "6": "therapeutic radiology",
    "7": "anesthesia",
    "8": "assistant at surgery",
    "9": "other medical items or services",
    "A": "used DME",
    "B": "high risk screening mammography",
    "C": "low risk screening mammography",
    "D": "ambulance",
    "E": "enteral and parenteral nutrients and supplies",
    "F": "ambulatory surgical center (facility usage for surgical services)",
    "G": "immunosuppressive drugs",
    "H": "hospice",
    "J": "diabetic shoes",
    "K": "hearing items and services",
    "L": "ESRD supplies",
    "M": "monthly capitation payment for dialysis",
    "N": "kidney donor",
    "P": "lump sum purchase of DME, prosthetics and orthotics",
    "Q": "vision items or services",
    "R": "rental of DME",
    "S": "surgical dressings or other medical supplies",
    "T": "outpatient mental health treatment limitation",
    "U": "occupational therapy",
    "V": "pneumococcal and flu vaccines",
    "W": "physical therapy",
}

ACTION_CODES: Final[dict[str, str]] = {
    "A": "code added",
    "B": "change in both an administrative data field and the long description",
    "C": "change in the long description",
    "D": "code discontinued",
    "F": "change in an administrative data field",
    "N": "no maintenance for this code",
    "P": "payment change (pricing indicator, anesthesia base units or ASC data)",
    "R": "discontinued code re-activated",
    "S": "change in the short description",
    "T": "miscellaneous change (BETOS or type of service)",
}

OPPS_STATUS_INDICATORS: Final[dict[str, str]] = {
    "A": "paid under a fee schedule or payment system other than OPPS",
    "B": "not recognized by OPPS on an outpatient hospital Part B bill type (12x, 13x)",
    "C": "inpatient procedure, not paid under OPPS",
    "E1": "not covered by any Medicare outpatient benefit category, statutorily excluded, or "
    "not reasonable and necessary",
    "E2": "items and services without pricing information and claims data",
    "F": "corneal tissue acquisition, certain CRNA services and hepatitis B vaccines: paid at "
    "reasonable cost, not under OPPS",
    "G": "pass-through drug or biological: paid under OPPS with a separate APC payment",
    "H": "pass-through device category: separate cost-based pass-through payment",
    "J1": "paid through a comprehensive APC",
    "J2": "may be paid through a comprehensive APC",
    "K": "non-pass-through drug or nonimplantable biological: paid under OPPS with a separate "
    "APC payment",
    "L": "influenza, pneumococcal or COVID-19 vaccine: paid at reasonable cost, not under OPPS",
    "M": "not billable to the Medicare Administrative Contractor",
    "N": "packaged: no separate payment; paid within the APC payment of other services",
    "P": "partial hospitalization",
    "Q1": "packaged when billed with a service of status indicator S, T or V; otherwise paid "
    "separately",
    "Q2": "packaged when billed with a service of status indicator T; otherwise paid separately",
    "Q3": "may be paid through a composite APC",
    "Q4": "conditionally packaged laboratory test",
    "R": "blood or blood product: paid under OPPS with a separate APC payment",
    "S": "significant procedure, not discounted when multiple: separate APC payment",
    "T": "significant procedure, multiple procedure reduction applies: separate APC payment",
    "U": "brachytherapy source: paid under OPPS with a separate APC payment",
    "V": "clinic or emergency department visit: separate APC payment",
    "Y": "non-implantable durable medical equipment: not paid under OPPS",
}


def meaning(table: dict[str, str], code: str) -> str:
    """`51: drugs`, or `K1: meaning not in codefolio's table`."""
    found = table.get(code.strip())
    return f"{code}: {found}" if found else f"{code}: meaning not in codefolio's table"
