"""Write a large, deterministic, synthetic IATI 2.03 activity file for import benchmarks.

The IATI importer has to cope with publisher files of a hundred megabytes or more, and the
test fixtures in ``tests/iati/files`` are a few kilobytes. This script produces files of any
size to measure import time and memory. Each activity is shaped like a real publisher's
(UNDP's file has 25 transactions and 4 budgets an activity): about 20 KB with 20
transactions of four types (some negative: corrections), a budget and a planned
disbursement per year, two locations with points, DAC and SDG-target (vocabulary 8)
sectors, policy markers, a document link and results with baselines and periods; so 1,000
activities make about 21 MB, 20,000 about 430 MB. The data is generated, never real:
activities, organisations (refs ``XX-SYN-0000`` to ``XX-SYN-0199``), amounts and texts are
drawn from ``random.Random(seed)``, and the file says so in a comment. The same arguments
always give the same bytes.

The file is written by streaming through lxml's incremental writer (``etree.xmlfile``): one
activity is built, written and dropped at a time, so memory stays constant whatever the size.

    .venv/bin/python bench/iati_file.py --activities 20000 --out /tmp/big.xml [--seed 1]
"""

import argparse
import datetime as dt
import itertools
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Fixed so that the output depends only on the arguments.
GENERATED = "2024-01-01T00:00:00Z"

ILO_REF = "XM-DAC-41302"
ILO_NAME = "International Labour Organization"
ILO_TYPE = "40"

COUNTRIES = ["BD", "KH", "VN", "ID", "LA", "MM", "NP", "PH", "TH", "CM", "ET", "GH", "CO", "PE"]

SECTORS = [
    ("11110", "Education policy and administrative management"),
    ("11330", "Vocational training"),
    ("15170", "Women's rights organisations and movements, and government institutions"),
    ("16010", "Social protection"),
    ("16020", "Employment creation"),
    ("16070", "Labour rights"),
    ("16080", "Social dialogue"),
    ("25010", "Business policy and administration"),
    ("31120", "Agricultural development"),
    ("43040", "Rural development"),
]

ORG_COUNT = 200
PROGRAMME_COUNT = 50
ORG_TYPES = ["10", "11", "15", "21", "22", "23", "40", "60", "70", "80"]
ORG_PLACES = "Northern Southern Eastern Western Central Coastal Highland Lakeside Riverside Island"
ORG_TOPICS = "Labour Skills Enterprise Welfare Youth Unions Employers Cooperative Migration Health"
ORG_KINDS = ["Foundation", "Agency", "Council", "Fund", "Institute"]

VOCABULARY = (
    "decent work employment skills training workers employers social protection dialogue "
    "labour rights standards inspection safety health wages productivity enterprises small "
    "medium cooperative informal economy formalisation youth women gender equality migrant "
    "recruitment child forced labour supply chains garment construction agriculture rural "
    "urban tourism fisheries green jobs transition climate resilience recovery ministry "
    "national regional local government partners capacity building policy advice technical "
    "assistance statistics survey data monitoring evaluation coverage pension insurance "
    "maternity unemployment benefits apprenticeship certification curriculum teachers "
    "centres networks business development finance access markets value chains "
    "institutions tripartite collective bargaining freedom association grievance compliance "
    "awareness campaign outreach communities households income livelihoods poverty "
    "inclusion disability vulnerable groups sustainable strengthen improve support promote "
    "develop extend establish review pilot scale"
)
WORDS = VOCABULARY.split()

# Sentence openings, so that the generated descriptions read a little like prose.
OPENINGS = ["The project", "This activity", "The programme", "The intervention", "Partners"]


@dataclass(frozen=True)
class Org:
    """A synthetic organisation of the pool the participating orgs are drawn from."""

    ref: str
    name: str
    type: str


def make_orgs(rng: random.Random) -> list[Org]:
    """The pool of synthetic organisations, with unique names."""
    combos = [
        (place, topic, kind)
        for place in ORG_PLACES.split()
        for topic in ORG_TOPICS.split()
        for kind in ORG_KINDS
    ]
    picked = rng.sample(combos, ORG_COUNT)
    return [
        Org(f"XX-SYN-{k:04d}", f"{place} {topic} {kind}", rng.choice(ORG_TYPES))
        for k, (place, topic, kind) in enumerate(picked)
    ]


def words(rng: random.Random, low: int, high: int) -> str:
    """Between low and high generated words, separated by spaces."""
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def sentence(rng: random.Random) -> str:
    """One generated sentence, ending with a full stop."""
    return f"{rng.choice(OPENINGS)} {words(rng, 8, 18)}."


def heading(rng: random.Random, low: int, high: int) -> str:
    """A generated title: words with the first letter capitalised."""
    text = words(rng, low, high)
    return text[0].upper() + text[1:]


def split_100(rng: random.Random, parts: int) -> list[int]:
    """Percentages, multiples of 5, at least 5 each, summing to exactly 100."""
    cuts = sorted(rng.sample(range(5, 100, 5), parts - 1))
    return [b - a for a, b in itertools.pairwise([0, *cuts, 100])]


def year_end(start: dt.date) -> dt.date:
    """The last day of the 365-day period beginning on start (IATI periods are at most a year)."""
    return start + dt.timedelta(days=364)


def child(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """A sub-element with attributes given as keyword arguments (underscores become dashes)."""
    return etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})


def narrative(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    """A sub-element holding one narrative with the given text."""
    element = child(parent, tag, **attrs)
    etree.SubElement(element, "narrative").text = text
    return element


def org_weights(exponent: float) -> list[float]:
    """Zipf-like weights over the pool: a few organisations are drawn far more than the rest."""
    return [1.0 / (k + 1) ** exponent for k in range(ORG_COUNT)]


# Funders are very concentrated (XX-SYN-0000 funds about two thirds of the activities, one of
# the first three over 80 %); the other roles less so.
FUNDER_WEIGHTS = org_weights(2.0)
OTHER_WEIGHTS = org_weights(1.0)


def participants(rng: random.Random, orgs: list[Org]) -> list[tuple[str, Org]]:
    """Two to four distinct pool organisations with their roles; the first is a funder."""
    funder = rng.choices(orgs, FUNDER_WEIGHTS)[0]
    chosen = [("1", funder)]
    seen = {funder.ref}
    count = rng.randint(2, 4)
    while len(chosen) < count:
        org = rng.choices(orgs, OTHER_WEIGHTS)[0]
        if org.ref not in seen:
            seen.add(org.ref)
            chosen.append((rng.choice(["1", "2", "3"]), org))
    return sorted(chosen, key=lambda pair: pair[0])


def add_result(rng: random.Random, activity: etree._Element, start: dt.date) -> None:
    """One result with one indicator, a baseline and a one-year period."""
    result = child(activity, "result", type=rng.choice(["1", "2", "3"]))
    narrative(result, "title", heading(rng, 5, 10))
    narrative(result, "description", sentence(rng))
    measure = rng.choice(["1", "2"])
    indicator = child(result, "indicator", measure=measure, ascending="true")
    narrative(indicator, "title", heading(rng, 5, 10))
    if measure == "2":
        baseline = rng.randint(0, 50)
        target = rng.randint(baseline + 10, 100)
    else:
        baseline = rng.randint(0, 200)
        target = baseline + rng.randint(10, 200) * 10
    actual = rng.randint(target // 2, target + target // 10)
    child(indicator, "baseline", year=str(start.year - 1), value=str(baseline))
    period = child(indicator, "period")
    child(period, "period-start", iso_date=start.isoformat())
    child(period, "period-end", iso_date=year_end(start).isoformat())
    female = rng.random() < 0.4
    child(period, "target", value=str(target))
    if female:
        female_target = child(period, "target", value=str(target // 2))
        child(female_target, "dimension", name="sex", value="female")
    child(period, "actual", value=str(actual))
    if female:
        female_actual = child(period, "actual", value=str(actual * rng.randint(40, 60) // 100))
        child(female_actual, "dimension", name="sex", value="female")


SDG_TARGETS = ["1.3", "4.4", "5.5", "8.3", "8.5", "8.7", "8.8", "10.7", "16.6"]
TRANSACTIONS = 20
TRANSACTION_TYPES = ["2", "3", "3", "4"]
PLACES = [("Northern province", "12.34", "56.78"), ("Capital district", "-6.2", "106.816667")]


def add_locations(rng: random.Random, activity: etree._Element) -> None:
    for k, (name, lat, lng) in enumerate(PLACES):
        location = child(activity, "location", ref=f"L{k}")
        child(location, "location-reach", code="1")
        child(location, "location-id", vocabulary="G1", code=str(rng.randrange(10**6, 10**7)))
        narrative(location, "name", name)
        narrative(location, "description", sentence(rng))
        child(location, "administrative", vocabulary="G1", level="1", code=str(1000 + k))
        point = child(location, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326")
        child(point, "pos").text = f"{lat} {lng}"
        child(location, "exactness", code="1")
        child(location, "location-class", code="2")
        child(location, "feature-designation", code="ADM2")


def add_money(rng: random.Random, activity: etree._Element, start: dt.date, end: dt.date) -> None:
    """A budget and a planned disbursement per year of the activity."""
    years = []
    year = start
    while year <= end:
        years.append((year, min(end, year_end(year))))
        year = years[-1][1] + dt.timedelta(days=1)
    for tag in ("budget", "planned-disbursement"):
        attrs = {"type": "1", "status": "1"} if tag == "budget" else {"type": "1"}
        for first, last in years:
            element = child(activity, tag, **attrs)
            child(element, "period-start", iso_date=first.isoformat())
            child(element, "period-end", iso_date=last.isoformat())
            value = child(element, "value", currency="USD", value_date=first.isoformat())
            value.text = str(rng.randint(50, 5000) * 1000)


def add_transactions(
    rng: random.Random, activity: etree._Element, orgs: list[Org], start: dt.date
) -> None:
    for k in range(TRANSACTIONS):
        kind = rng.choice(TRANSACTION_TYPES)
        transaction = child(activity, "transaction")
        child(transaction, "transaction-type", code=kind)
        day = start + dt.timedelta(days=rng.randrange(3 * 365))
        child(transaction, "transaction-date", iso_date=day.isoformat())
        value = child(transaction, "value", currency="USD", value_date=day.isoformat())
        amount = rng.randint(1, 500) * 100
        value.text = str(-amount if k % 11 == 10 else amount)
        narrative(transaction, "description", heading(rng, 3, 8))
        provider = rng.choices(orgs, FUNDER_WEIGHTS)[0]
        narrative(
            transaction,
            "provider-org",
            provider.name,
            ref=provider.ref,
            type=provider.type,
            provider_activity_id=f"{provider.ref}-A{rng.randrange(100)}",
        )
        narrative(transaction, "receiver-org", ILO_NAME, ref=ILO_REF, type=ILO_TYPE)
        child(transaction, "disbursement-channel", code="1")


def make_activity(rng: random.Random, orgs: list[Org], n: int) -> etree._Element:
    """The n-th synthetic activity, with every element in IATI 2.03 schema order."""
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": GENERATED,
            XML_LANG: "en",
            "default-currency": "USD",
            "hierarchy": "2",
        },
    )
    child(activity, "iati-identifier").text = f"{ILO_REF}-SYN-{n:06d}"
    narrative(activity, "reporting-org", ILO_NAME, ref=ILO_REF, type=ILO_TYPE)
    narrative(activity, "title", heading(rng, 6, 12))
    narrative(activity, "description", " ".join(sentence(rng) for _ in range(7)), type="1")
    narrative(activity, "description", " ".join(sentence(rng) for _ in range(2)), type="3")
    for role, org in participants(rng, orgs):
        narrative(activity, "participating-org", org.name, ref=org.ref, type=org.type, role=role)
    narrative(activity, "participating-org", ILO_NAME, ref=ILO_REF, type=ILO_TYPE, role="4")
    child(activity, "activity-status", code="2")

    start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(10 * 365))
    end = start + dt.timedelta(days=rng.randint(365, 5 * 365))
    child(activity, "activity-date", type="1", iso_date=start.isoformat())
    child(activity, "activity-date", type="3", iso_date=end.isoformat())

    countries = rng.sample(COUNTRIES, rng.randint(1, 3))
    for code, share in zip(countries, split_100(rng, len(countries)), strict=True):
        child(activity, "recipient-country", code=code, percentage=str(share))
    add_locations(rng, activity)
    sectors = rng.sample(SECTORS, rng.randint(1, 2))
    for (code, name), share in zip(sectors, split_100(rng, len(sectors)), strict=True):
        narrative(activity, "sector", name, vocabulary="1", code=code, percentage=str(share))
    targets = rng.sample(SDG_TARGETS, 2)
    for code, share in zip(targets, split_100(rng, 2), strict=True):
        child(activity, "sector", vocabulary="8", code=code, percentage=str(share))
    for code in ("1", "11"):
        child(activity, "policy-marker", vocabulary="1", code=code, significance="1")
    child(activity, "collaboration-type", code="1")
    child(activity, "default-flow-type", code="10")
    child(activity, "default-finance-type", code="110")
    child(activity, "default-aid-type", code="C01")
    child(activity, "default-tied-status", code="5")
    add_money(rng, activity, start, end)
    add_transactions(rng, activity, orgs, start)
    link = child(activity, "document-link", format="text/html", url=f"https://example.org/{n}")
    narrative(link, "title", heading(rng, 3, 8))
    child(link, "category", code="A01")

    programme = f"{ILO_REF}-SYN-PROG-{rng.randrange(PROGRAMME_COUNT):03d}"
    child(activity, "related-activity", ref=programme, type="1")
    for _ in range(rng.randint(2, 3)):
        add_result(rng, activity, start)
    return activity


def write_file(path: Path, activities: int, seed: int) -> None:
    """Stream the synthetic file to path, one activity in memory at a time."""
    rng = random.Random(seed)
    orgs = make_orgs(rng)
    comment = etree.Comment(
        f" SYNTHETIC DATA generated by bench/iati_file.py (seed {seed}, {activities} activities)"
        " for import benchmarks. Not real activities, organisations or amounts. "
    )
    root_attrs = {"version": "2.03", "generated-datetime": GENERATED}
    with path.open("wb") as out:
        with etree.xmlfile(out, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("iati-activities", root_attrs):
                xf.write("\n  ", comment)
                for n in range(1, activities + 1):
                    activity = make_activity(rng, orgs, n)
                    etree.indent(activity, level=1)
                    xf.write("\n  ", activity)
                xf.write("\n")
        out.write(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--activities", type=int, default=20000, help="number of activities")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    if args.activities < 1:
        parser.error("--activities must be at least 1")

    start = time.perf_counter()
    write_file(args.out, args.activities, args.seed)
    elapsed = time.perf_counter() - start
    size = args.out.stat().st_size
    print(
        f"{args.activities} activities, {size / 1e6:.1f} MB "
        f"({size / args.activities / 1000:.2f} KB each) in {elapsed:.1f} s -> {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
