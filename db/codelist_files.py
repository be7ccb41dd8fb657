"""Reading IATI codelist files (``<codelist name=...>`` XML, as IATI-Codelists publishes them).

The service ships its own copy (``db/reference/iati-codelists``) and reads nothing else at
run time; ``coopgraph codelists update DIR`` reads newer files through the same reader. A
file is parsed whole (the largest, OrganisationRegistrationAgency, is half a megabyte) with
entities, DTDs and the network off, as the IATI reader does for activity files.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

BUNDLED = Path(__file__).parent / "reference" / "iati-codelists"
"""The codelists the migration loads: IATI-Codelists (version-2.03, 75e827b) in
``embedded/``, IATI-Codelists-NonEmbedded (7aeece7) in ``non-embedded/``."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_MAX_FILE_BYTES = 20_000_000
"""Forty times the largest published list: a bigger file is not a codelist."""


class CodelistFileError(ValueError):
    """A file that is not a codelist this reader can take; the message names the file."""


@dataclass(frozen=True)
class CodeItem:
    code: str
    names: dict[str, str]
    descriptions: dict[str, str]
    category: str | None
    withdrawn: bool
    withdrawal_date: date | None
    url: str | None


@dataclass(frozen=True)
class CodelistFile:
    name: str
    language: str
    embedded: bool
    complete: bool | None
    category_codelist: str | None
    titles: dict[str, str]
    items: list[CodeItem] = field(default_factory=list)


def codelist_paths(folder: Path) -> list[Path]:
    """The ``.xml`` files under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*.xml") if p.is_file())


def read_codelists(folder: Path) -> Iterator[CodelistFile]:
    for path in codelist_paths(folder):
        yield read_codelist(path)


def read_codelist(path: Path) -> CodelistFile:
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise CodelistFileError(f"{path.name}: larger than {_MAX_FILE_BYTES} bytes")
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        raise CodelistFileError(f"{path.name}: not well-formed XML: {error.msg}") from error
    if tree.docinfo.doctype:
        raise CodelistFileError(f"{path.name}: declares a document type; codelists have none")
    root = tree.getroot()
    name = root.get("name")
    if root.tag != "codelist" or not name:
        raise CodelistFileError(f"{path.name}: not a codelist (no <codelist name=...> root)")
    language = root.get(_XML_LANG) or "en"
    items: dict[str, CodeItem] = {}
    for element in root.iter("codelist-item"):
        item = _item(element, language, path)
        # The published FileFormat list repeats two items word for word: one code. A code
        # listed twice with different names or marks cannot be one.
        if items.setdefault(item.code, item) != item:
            raise CodelistFileError(
                f"{path.name}, line {element.sourceline}: code {item.code!r} is listed twice, "
                "differently"
            )
    return CodelistFile(
        name=name,
        language=language,
        embedded=root.get("embedded") == "1",
        complete=None if root.get("complete") is None else root.get("complete") == "1",
        category_codelist=root.get("category-codelist"),
        titles=_narratives(root.find("metadata/name"), language),
        items=list(items.values()),
    )


def _item(element: etree._Element, language: str, path: Path) -> CodeItem:
    code = (element.findtext("code") or "").strip()
    if not code:
        raise CodelistFileError(f"{path.name}, line {element.sourceline}: an item without a code")
    withdrawal = element.get("withdrawal-date")
    return CodeItem(
        code=code,
        names=_narratives(element.find("name"), language),
        descriptions=_narratives(element.find("description"), language),
        category=(element.findtext("category") or "").strip() or None,
        withdrawn=element.get("status") == "withdrawn",
        withdrawal_date=_date(withdrawal),
        url=(element.findtext("url") or "").strip() or None,
    )


def _narratives(element: etree._Element | None, language: str) -> dict[str, str]:
    """``{lang: text}``; an element with text of its own and no narratives (older lists)
    counts as one narrative in the file's language."""
    if element is None:
        return {}
    narratives = element.findall("narrative")
    if not narratives:
        text = " ".join((element.text or "").split())
        return {language: text} if text else {}
    found: dict[str, str] = {}
    for narrative in narratives:
        text = " ".join((narrative.text or "").split())
        if text:
            found.setdefault(narrative.get(_XML_LANG) or language, text)
    return found


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
