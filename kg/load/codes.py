"""Medical codes: what JSON Schema and SHACL cannot check about them.

The facts schema checks each system's format; this module verifies SNOMED CT check digits
(Verhoeff's dihedral-group scheme, which no regular expression can express) and recognises a
Wikidata page URL written where the entity IRI belongs, so the message can say what to write.
"""

from __future__ import annotations

import re

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
_WIKIDATA_ELSEWHERE = re.compile(
    r"\Ahttps?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?:Item:)?(Q[1-9][0-9]*)"
    r"(?:[#?].*)?\Z|\A(Q[1-9][0-9]*)\Z"
)

# Verhoeff tables: multiplication in the dihedral group D5, the position permutation, the inverse.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_digit(digits: str) -> str:
    """The Verhoeff check digit to append to `digits` (e.g. verhoeff_digit("236") == "3")."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def wikidata_entity(value: str) -> str | None:
    """The entity IRI meant by a Wikidata page URL, https entity IRI or bare QID; None if none is."""
    m = _WIKIDATA_ELSEWHERE.match(value.strip())
    if not m:
        return None
    iri = WIKIDATA_ENTITY + (m[1] or m[2])
    return None if iri == value else iri


def check_digit_problem(system: str, code: str) -> str | None:
    """What is wrong with a SNOMED CT code whose Verhoeff check digit does not match (JSON Schema
    checks the format, not the arithmetic); None when it matches or is another system's code."""
    if system != "snomed-ct":
        return None
    expected = verhoeff_digit(code[:-1])
    if code[-1] == expected:
        return None
    return (
        f"{code!r} is not a valid SNOMED CT concept id: its last digit is the Verhoeff check digit, which for "
        f"{code[:-1]} is {expected}, not {code[-1]} (look for a typo in the id)"
    )
