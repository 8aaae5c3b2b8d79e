"""Billing rules as pure functions: units, wastage, NDC reporting, MUE, pairing, claim lines."""
