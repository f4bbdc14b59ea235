"""Namespaces, and feedpub's own extension elements shared by RSS and Atom.

The dateline and the filing agency have no element in RSS 2.0 or Atom, so they are
carried in one small namespace of ours (documented in README.md, "Extensions"):

    <feedpub:dateline city="Tehran" country="Iran" agency="FNA">TEHRAN (FNA) –</feedpub:dateline>
    <feedpub:agency abbreviation="FNA" url="https://www.fna.example/">Farhang News
        Agency</feedpub:agency>
"""

from __future__ import annotations

from feedpub.build._feedgen import Element, sub_element
from feedpub.model import Agency, Entry

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
FEEDPUB = "https://feedpub.org/ns/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def add_agency(parent: Element, agency: Agency) -> None:
    sub_element(
        parent,
        f"{{{FEEDPUB}}}agency",
        agency.name,
        abbreviation=agency.abbreviation,
        url=agency.url,
    )


def add_dateline(parent: Element, entry: Entry) -> None:
    sub_element(
        parent,
        f"{{{FEEDPUB}}}dateline",
        entry.dateline_text,
        city=entry.dateline.city,
        country=entry.dateline.country or "",
        agency=entry.agency.abbreviation,
    )
