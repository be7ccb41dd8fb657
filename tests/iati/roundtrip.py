"""Compare IATI activities element by element: what an export lost, changed or added.

The 2.03 schema fixes the order of an activity's different elements (validation checks it),
and the standard gives no meaning to the order of repeats of one element (two budgets, two
narratives), so an activity is compared as a tree whose children are a multiset. Each
element is reduced to what carries data, in one spelling:

- only the standard's elements and attributes: those in another namespace (the service's
  ``cg:`` extension, d-portal's ``dstore:``) are left aside, as IATI tools skip them;
- a narrative's language is the one it is in, whether it says so itself or inherits it
  (``xml:lang`` on an ancestor, the activity's default), lower-cased as BCP 47 allows;
  ``xml:lang`` elsewhere says nothing about data and is dropped;
- booleans in one form (``1`` and ``true``), decimals by value (``100.00`` is ``100``),
  coordinates likewise, ``Z`` as ``+00:00``, text stripped of the whitespace around it;
- a value's currency is its own ``@currency`` or, where it has none, the activity's
  ``@default-currency``, as the standard defines it (so ``<value>`` and ``<value
  currency="EUR">`` in an activity whose default is EUR are one value);
- an empty attribute, and an element left with no attribute, text or child, carries no
  data and is dropped (``significance=""``, ``<narrative/>``).

``compare`` then matches equal children away and pairs what is left by what they share,
so a changed budget is reported as one budget with its changed value, not as one missing
and one extra. ``counts`` gives the elements in and out per path (``transaction/value``).

Run as a script to compare two files: ``python -m tests.iati.roundtrip IN.xml OUT.xml``.
"""

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

BOOLEAN_ATTRIBUTES = {
    "humanitarian",
    "secondary-reporter",
    "attached",
    "aggregation-status",
    "ascending",
    "priority",
}
"""Attributes of type ``xsd:boolean`` in 2.01-2.03 (``other-flags/@significance`` too)."""
DECIMAL_ATTRIBUTES = {"percentage", "rate-1", "rate-2"}
DATETIME_ATTRIBUTES = {"last-updated-datetime"}
CURRENCY_ELEMENTS = {"value", "forecast", "loan-status"}
"""Elements whose ``@currency`` defaults to the activity's ``@default-currency``."""
"""``Z`` and ``+00:00`` name the same zone; a time without a zone stays without one."""
DECIMAL_TEXT = {
    "value",
    "forecast",
    "interest-received",
    "principal-outstanding",
    "principal-arrears",
    "interest-arrears",
}


@dataclass(frozen=True, order=True)
class Node:
    """An element as data; nodes sort field by field, so a multiset of children has one
    order."""

    tag: str
    attributes: tuple[tuple[str, str], ...]
    text: str
    """Empty when the element has none."""
    children: tuple["Node", ...]

    def facts(self, path: str = "") -> Counter[tuple[str, str, str]]:
        """Every (path, name, value) the element holds, for pairing changed elements."""
        here = f"{path}/{self.tag}"
        found: Counter[tuple[str, str, str]] = Counter()
        for name, value in self.attributes:
            found[(here, f"@{name}", value)] += 1
        if self.text:
            found[(here, "text()", self.text)] += 1
        for child in self.children:
            found.update(child.facts(here))
        return found

    def elements(self, path: str = "") -> Iterator[str]:
        here = f"{path}/{self.tag}" if path else self.tag
        yield here
        for child in self.children:
            yield from child.elements(here)


def _decimal(raw: str) -> str:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    if not value.is_finite():
        return raw
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _datetime(raw: str) -> str:
    try:
        return datetime.fromisoformat(raw).isoformat()
    except ValueError:
        return raw


def _boolean(raw: str) -> str:
    return {"1": "true", "0": "false"}.get(raw, raw)


def _language(element: etree._Element) -> str | None:
    for node in (element, *element.iterancestors()):
        lang = node.get(XML_LANG)
        if lang:
            return lang.strip().lower()
    return None


def _default_currency(element: etree._Element) -> str | None:
    for node in (element, *element.iterancestors()):
        if node.tag == "iati-activity":
            return (node.get("default-currency") or "").strip() or None
    return None


def canonical(element: etree._Element) -> Node | None:
    """The element as data, or None when it carries none (see the module's docstring)."""
    tag = element.tag
    if not isinstance(tag, str) or tag.startswith("{"):
        return None
    name = etree.QName(element).localname
    attributes: dict[str, str] = {}
    for key, raw in element.attrib.items():
        if key.startswith("{"):
            continue
        value = raw.strip()
        if not value:
            continue
        if key in BOOLEAN_ATTRIBUTES or (name == "other-flags" and key == "significance"):
            value = _boolean(value)
        elif key in DECIMAL_ATTRIBUTES:
            value = _decimal(value)
        elif key in DATETIME_ATTRIBUTES:
            value = _datetime(value)
        attributes[key] = value
    if name in CURRENCY_ELEMENTS and "currency" not in attributes:
        default = _default_currency(element)
        if default is not None:
            attributes["currency"] = default
    text = (element.text or "").strip()
    if text:
        if name in DECIMAL_TEXT:
            text = _decimal(text)
        elif name == "pos":
            text = " ".join(_decimal(part) for part in text.split())
    if name == "narrative" and text:
        lang = _language(element)
        if lang is not None:
            attributes["xml:lang"] = lang
    children = tuple(sorted(node for child in element if (node := canonical(child)) is not None))
    if not attributes and not text and not children:
        return None
    return Node(name, tuple(sorted(attributes.items())), text, children)


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str
    """``missing`` (in the input, not the output), ``extra`` (the reverse) or ``changed``."""
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.path}: {self.detail}"


def _describe(node: Node) -> str:
    attributes = " ".join(f'{k}="{v}"' for k, v in node.attributes)
    text = f" {node.text!r}" if node.text else ""
    inside = f" (+{len(node.children)} children)" if node.children else ""
    return f"<{node.tag}{' ' + attributes if attributes else ''}>{text}{inside}"


def _pairs(
    left: list[Node], right: list[Node]
) -> tuple[list[tuple[Node, Node]], list[Node], list[Node]]:
    """Pair unmatched elements of one name by the facts they share, most first."""
    facts_left = [n.facts() for n in left]
    facts_right = [n.facts() for n in right]
    scored = sorted(
        (
            (sum((fl & fr).values()), i, j)
            for i, fl in enumerate(facts_left)
            for j, fr in enumerate(facts_right)
        ),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score == 0:
            break
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((left[i], right[j]))
    rest_left = [n for i, n in enumerate(left) if i not in used_left]
    rest_right = [n for j, n in enumerate(right) if j not in used_right]
    if len(rest_left) == len(rest_right) == 1:
        # One of a kind on each side (an activity-status): the same element, changed.
        return [*pairs, (rest_left[0], rest_right[0])], [], []
    return pairs, rest_left, rest_right


def compare(before: Node, after: Node, path: str | None = None) -> list[Difference]:
    """What ``after`` lacks, changes or adds with respect to ``before``."""
    path = path or before.tag
    differences = []
    left, right = dict(before.attributes), dict(after.attributes)
    for name in sorted(left.keys() | right.keys()):
        where = f"{path}/@{name}"
        if name not in right:
            differences.append(Difference(where, "missing", repr(left[name])))
        elif name not in left:
            differences.append(Difference(where, "extra", repr(right[name])))
        elif left[name] != right[name]:
            differences.append(Difference(where, "changed", f"{left[name]!r} -> {right[name]!r}"))
    if before.text != after.text:
        differences.append(
            Difference(f"{path}/text()", "changed", f"{before.text!r} -> {after.text!r}")
        )
    unmatched_before = Counter(before.children)
    unmatched_before.subtract(Counter(after.children))
    unmatched_after = Counter(after.children)
    unmatched_after.subtract(Counter(before.children))
    by_tag: dict[str, tuple[list[Node], list[Node]]] = {}
    for node, count in unmatched_before.items():
        by_tag.setdefault(node.tag, ([], []))[0].extend([node] * max(count, 0))
    for node, count in unmatched_after.items():
        by_tag.setdefault(node.tag, ([], []))[1].extend([node] * max(count, 0))
    for tag in sorted(by_tag):
        pairs, lost, added = _pairs(*by_tag[tag])
        for old, new in pairs:
            differences.extend(compare(old, new, f"{path}/{tag}"))
        differences.extend(Difference(f"{path}/{tag}", "missing", _describe(n)) for n in lost)
        differences.extend(Difference(f"{path}/{tag}", "extra", _describe(n)) for n in added)
    return differences


def counts(nodes: Iterable[Node]) -> Counter[str]:
    """Elements per path below ``iati-activity`` (``transaction/value``: 2,536)."""
    found: Counter[str] = Counter()
    for node in nodes:
        found.update(node.elements())
    return found


@dataclass
class FileComparison:
    activities_in: int = 0
    activities_out: int = 0
    differences: dict[str, list[Difference]] = field(default_factory=dict)
    """Activity identifier → its differences (only those with any)."""
    missing_activities: list[str] = field(default_factory=list)
    extra_activities: list[str] = field(default_factory=list)
    elements_in: Counter[str] = field(default_factory=Counter)
    elements_out: Counter[str] = field(default_factory=Counter)

    @property
    def identical(self) -> bool:
        return not (self.differences or self.missing_activities or self.extra_activities)

    def summary(self, limit: int = 40) -> str:
        lines = [
            f"{identifier}: {d}" for identifier, found in self.differences.items() for d in found
        ]
        lines += [f"missing activity {i}" for i in self.missing_activities]
        lines += [f"extra activity {i}" for i in self.extra_activities]
        more = f"\n... and {len(lines) - limit} more" if len(lines) > limit else ""
        return "\n".join(lines[:limit]) + more

    def table(self) -> str:
        """Elements in and out per path, with what differs, as a Markdown table."""
        lost: Counter[str] = Counter()
        added: Counter[str] = Counter()
        changed: Counter[str] = Counter()
        for found in self.differences.values():
            for d in found:
                element = d.path.split("/@")[0].removesuffix("/text()")
                {"missing": lost, "extra": added, "changed": changed}[d.kind][element] += 1
        rows = [
            "| element | in | out | missing | changed | extra |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for path in sorted(self.elements_in.keys() | self.elements_out.keys()):
            rows.append(
                f"| `{path.removeprefix('iati-activity/')}` | {self.elements_in[path]:,} | "
                f"{self.elements_out[path]:,} | {lost[path]:,} | {changed[path]:,} | "
                f"{added[path]:,} |"
            )
        return "\n".join(rows)


def _activities(root: etree._Element) -> dict[str, Node]:
    found = {}
    for element in root.iterchildren("iati-activity"):
        node = canonical(element)
        if node is not None:
            found[(element.findtext("iati-identifier") or "").strip()] = node
    return found


def compare_files(
    before: etree._Element, after: etree._Element, identifiers: Sequence[str] | None = None
) -> FileComparison:
    """Compare the activities of two ``iati-activities`` roots, matched by identifier;
    ``identifiers`` limits the comparison to those (the ones the import took)."""
    old, new = _activities(before), _activities(after)
    wanted = set(old) if identifiers is None else set(identifiers)
    result = FileComparison(
        activities_in=len(wanted & set(old)), activities_out=len(wanted & set(new))
    )
    for identifier in sorted(wanted):
        if identifier not in new:
            result.missing_activities.append(identifier)
            continue
        if identifier not in old:
            result.extra_activities.append(identifier)
            continue
        result.elements_in.update(old[identifier].elements())
        result.elements_out.update(new[identifier].elements())
        found = compare(old[identifier], new[identifier])
        if found:
            result.differences[identifier] = found
    return result


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.parse(str(path), parser).getroot()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path, help="the file that was imported")
    parser.add_argument("after", type=Path, help="the file the export wrote")
    parser.add_argument("--limit", type=int, default=40, help="differences to list")
    args = parser.parse_args(argv)
    result = compare_files(_parse(args.before), _parse(args.after))
    print(f"activities: {result.activities_in} in, {result.activities_out} out")
    print(result.table())
    if not result.identical:
        print(result.summary(args.limit))
    return 0 if result.identical else 1


if __name__ == "__main__":
    sys.exit(main())
