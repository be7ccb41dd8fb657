"""Which fields the compiled path cannot read, named: a field added without a rule (or a rule
lost with a renamed type) fails here until it is given one or listed below, with why.

A query selecting any of these is answered by the resolvers, whole."""

from schema.build import schema
from schema.compiled.compiler import fields_without_rules
from schema.compiled.connections import INHERITED

TIMESTAMPS = "createdAt updatedAt"
"""Left to the resolvers, which write them as Python does (``datetime.isoformat``); no rule
renders that text in SQL."""

WITHOUT_RULES: dict[str, str] = {
    # Root fields other than node, projects, partners, programmes, search, projectStats and
    # financeStats.
    "Query": "_entities _service beneficiaryGroups outcomes contributions agreements "
    "contributionStats changes countries themes nodes",
    "_Service": "sdl",
    # Record fields kept for the resolvers: timestamps, the plain lists beside each
    # projectsConnection, and links to what the compiled path does not read.
    "ProjectConnection": "undatedLeftOut",
    "Partner": f"{TIMESTAMPS} projects programmes contributions facts traceability",
    "Programme": f"{TIMESTAMPS} phases partners projects",
    "Country": "projects",
    "Theme": "projects",
    "BeneficiaryGroup": TIMESTAMPS,
    "ActivityWarning": "createdAt",
    "Project": f"{TIMESTAMPS} agreements",
    "Outcome": f"{TIMESTAMPS} dimensions progress",
    # Types only the resolvers read (their global ids aside, which every node has).
    "OutcomeDimension": "name value",
    "ProgrammePartner": "role partner programme sources",
    "PartnerFact": "code topic statement asOf value unit partner countries sources",
    "Agreement": "code kind title description signedOn periodStartYear periodEndYear officials "
    "programme parties projects sources",
    "Contribution": f"version {TIMESTAMPS} code kind amount periodStartYear periodEndYear "
    "donor recipient programme project sources",
    "Change": "position at keyName recordType type recordId operation recordVersion before after "
    "recordGlobalId",
    "ContributionStats": "total buckets",
    "ContributionBucket": "key label contributionCount amounts",
    # Conversion: the resolver multiplies in Python's decimal context (28 significant digits)
    # before rounding to the cent, where PostgreSQL's product is exact, so an amount times a
    # rate of more digits can come out a cent apart; the rate loader reads them instead.
    "Money": "converted",
    "ConvertedMoney": "amount currency rate rateDate source",
    # Funding chains: a node's project and an edge's transactions are read through loaders.
    "FlowNode": "project",
    "FlowEdge": "transactions",
    "Traceability": "incomingFunds withProviderActivity share",
}


def test_every_field_without_a_rule_is_listed() -> None:
    missing = fields_without_rules(schema, INHERITED)
    assert {name: sorted(fields) for name, fields in missing.items()} == {
        name: sorted(fields.split()) for name, fields in WITHOUT_RULES.items()
    }


def test_the_record_types_are_read_by_the_compiled_path() -> None:
    """Their rules are found through the Strawberry types (a field's metadata, relay's
    classes), so these stay compiled whatever their modules or names become."""
    missing = fields_without_rules(schema, INHERITED)
    for name in ["Project", "Partner", "Programme", "BeneficiaryGroup", "Outcome"]:
        assert not {"id", "code", "sources"} & set(missing.get(name, []))
    for name in ["Source", "FuzzyDate", "Quantity", "Count", "PageInfo", "Region"]:
        assert name not in missing
    assert missing.get("Money", []) == ["converted"]  # a money's own fields all compile
    for name in ["ProjectConnection", "ProjectEdge", "PartnerConnection", "ProgrammeEdge"]:
        assert not set(missing.get(name, [])) & {"edges", "pageInfo", "totalCount", "node"}
