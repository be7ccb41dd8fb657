"""The GraphQL reads of the IATI activity model, on a file imported into the database:
money, classifications, geography, documents, relations, results, narratives, warnings."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import Execute
from tests.schema.types.conftest import FIRST, SECOND


async def _project(gql: Execute, identifier: str, selection: str) -> dict[str, Any]:
    result = await gql(
        "query($codes: [String!]) { projects(filter: {codes: $codes}) { edges { node { "
        + selection
        + " } } } }",
        {"codes": [identifier]},
    )
    assert result.errors is None, result.errors
    [edge] = result.data["projects"]["edges"]
    node: dict[str, Any] = edge["node"]
    return node


async def test_transactions_in_file_order_exact_and_signed(
    imported: AsyncConnection, gql: Execute
) -> None:
    project = await _project(
        gql,
        FIRST,
        """transactions {
             type { code name } date humanitarian
             value { amount currency valueDate qualifier }
             description french: description(lang: "fr")
             providerOrg { ref activityId name }
             receiverOrg { ref type { code name } name }
             recipientCountryCode recipientCountry { name }
           }""",
    )
    transactions = project["transactions"]
    assert [t["type"]["code"] for t in transactions] == ["11", "1", "3", "4"]
    assert transactions[0]["type"]["name"] == "Incoming Commitment"
    disbursement, refund = transactions[2], transactions[3]
    assert disbursement["value"] == {
        "amount": "150000.25",
        "currency": "USD",
        "valueDate": "2023-06-30",
        "qualifier": "EXACT",
    }
    assert disbursement["humanitarian"] is True
    assert disbursement["description"] == "First disbursement to the implementing partners"
    assert disbursement["french"] == "Premier décaissement aux partenaires"
    assert disbursement["receiverOrg"]["name"] == "Association des femmes de Bamako"
    assert disbursement["receiverOrg"]["type"] == {"code": "22", "name": "National NGO"}
    assert disbursement["recipientCountry"] == {"name": "Mali"}
    assert refund["value"]["amount"] == "-2500"
    assert refund["french"] is None  # no narrative in French: null, not another language
    assert transactions[1]["providerOrg"]["activityId"] == "KR-GOV-010-2022-123"

    typed = await _project(
        gql, FIRST, 'transactions(filter: {types: ["3", "4"], years: [2024]}) { date }'
    )
    assert typed["transactions"] == [{"date": "2024-03-31"}]
    # The second activity's value names no currency: the activity's default one.
    second = await _project(gql, SECOND, "transactions { value { amount currency } }")
    assert second["transactions"] == [{"value": {"amount": "75000", "currency": "EUR"}}]


async def test_budgets_per_period_stay_several(imported: AsyncConnection, gql: Execute) -> None:
    project = await _project(
        gql,
        FIRST,
        """budget { amount currency }
           budgets { type { code name } status { code name } periodStart periodEnd
                     value { amount } }
           plannedDisbursements { type { code } periodStart periodEnd value { amount }
                                  providerOrg { ref } receiverOrg { ref } }""",
    )
    budgets = project["budgets"]
    assert [(b["type"]["code"], b["periodStart"], b["value"]["amount"]) for b in budgets] == [
        ("1", "2023-01-01", "500000"),
        ("1", "2024-01-01", "500000"),
        ("2", "2023-01-01", "450000.50"),
        ("2", "2024-01-01", "560000"),
    ]
    assert budgets[2]["type"]["name"] == "Revised"
    assert budgets[0]["status"] == {"code": "2", "name": "Committed"}
    [planned] = project["plannedDisbursements"]
    assert planned["providerOrg"] == {"ref": "KR-GOV-010"}
    assert planned["value"] == {"amount": "125000"}


async def test_sectors_regions_markers_and_classifications(
    imported: AsyncConnection, gql: Execute
) -> None:
    project = await _project(
        gql,
        FIRST,
        """sectors { vocabulary { code name } code { code name known } percentage }
           dac: sectors(vocabulary: "1") { code { code } }
           themes { slug }
           regionLinks { vocabulary { code } code percentage region { code name }
                         sources { document } }
           policyMarkers { code { code name } significance { code name } }
           classifications {
             collaborationType { code name } defaultFlowType { code name }
             defaultFinanceType { code } defaultTiedStatus { code name }
             defaultAidTypes { vocabulary { code } code { code name } }
             activityScope { code name }
             tags { vocabulary { code } code { code name } }
             humanitarianScopes { type { code } vocabulary { code } code }
           }""",
    )
    sectors = {(s["vocabulary"]["code"], s["code"]["code"]): s for s in project["sectors"]}
    assert set(sectors) == {("1", "16020"), ("1", "11330"), ("2", "151"), ("8", "5.2")}
    target = sectors[("8", "5.2")]
    assert target["code"]["known"] is True
    assert target["code"]["name"].startswith("Eliminate all forms of violence against all women")
    assert target["vocabulary"]["name"] == "SDG Target"
    assert sectors[("1", "16020")]["percentage"] == "70"
    assert [s["code"]["code"] for s in project["dac"]] == ["16020", "11330"]
    [region] = project["regionLinks"]
    assert region["region"] == {"code": "289", "name": "South of Sahara, regional"}
    assert (region["vocabulary"]["code"], region["percentage"]) == ("1", "100")
    assert region["sources"]
    markers = project["policyMarkers"]
    assert markers[0]["code"]["name"] == "Gender Equality"
    assert markers[0]["significance"] == {"code": "2", "name": "principal objective"}
    c = project["classifications"]
    assert c["collaborationType"] == {"code": "2", "name": "Multilateral (inflows)"}
    assert c["defaultFlowType"]["code"] == "10"
    assert c["defaultAidTypes"] == [
        {"vocabulary": {"code": "1"}, "code": {"code": "C01", "name": "Project-type interventions"}}
    ]
    assert c["tags"][0]["code"]["code"] == "8.5"
    assert c["humanitarianScopes"] == [
        {"type": {"code": "1"}, "vocabulary": {"code": "1-2"}, "code": "FL-2024-000123-MLI"}
    ]


async def test_locations_documents_and_relations(imported: AsyncConnection, gql: Execute) -> None:
    project = await _project(
        gql,
        FIRST,
        """locations { ref name reach { code } locationIds { vocabulary { code } code }
                       point { latitude longitude srsName } exactness { name }
                       locationClass { code } featureDesignation { code name } }
           documents { url format { code } title french: title(lang: "fr")
                       titleNarratives { lang text } categories { code name }
                       languages { code } documentDate }
           relatedProjects { type { code name } identifier project { code } }
           siblings: relatedProjects(type: "3") { identifier }""",
    )
    [location] = project["locations"]
    assert location["point"]["latitude"] == "12.6392"
    assert location["point"]["longitude"] == "-8.0029"
    assert location["exactness"] == {"name": "Exact"}
    assert location["locationIds"] == [{"vocabulary": {"code": "G1"}, "code": "2460596"}]
    [document] = project["documents"]
    assert document["french"] == "Note de projet"
    assert document["titleNarratives"] == [
        {"lang": None, "text": "Project brief"},
        {"lang": "fr", "text": "Note de projet"},
    ]
    assert [c["code"] for c in document["languages"]] == ["en", "fr"]
    related = project["relatedProjects"]
    assert related[0] == {
        "type": {"code": "3", "name": "Sibling"},
        "identifier": SECOND,
        "project": {"code": SECOND},
    }
    assert related[1]["project"] is None  # not in the service: the identifier is kept
    assert project["siblings"] == [{"identifier": SECOND}]


async def test_results_keep_their_periods(imported: AsyncConnection, gql: Execute) -> None:
    project = await _project(
        gql,
        FIRST,
        """results { type { code name } title french: title(lang: "fr")
             indicators { measure { name } ascending title
               baselines { year isoDate value comment }
               periods { periodStart periodEnd
                 targets { value dimensions { name value } } actuals { value comment } } } }""",
    )
    [result] = project["results"]
    assert result["type"] == {"code": "2", "name": "Outcome"}
    assert result["french"] == "Les femmes déplacées trouvent un travail décent"
    [indicator] = result["indicators"]
    assert indicator["baselines"] == [
        {
            "year": 2022,
            "isoDate": "2022-12-31",
            "value": "0",
            "comment": "No placements before the project",
        }
    ]
    periods = indicator["periods"]
    assert len(periods) == 4  # four periods stay four periods of one indicator
    assert periods[1]["actuals"] == [{"value": "210", "comment": "Ahead of plan"}]
    assert periods[3]["targets"] == [
        {"value": "400", "dimensions": [{"name": "sex", "value": "female"}]}
    ]


async def test_narratives_reporting_org_and_contacts(
    imported: AsyncConnection, gql: Execute
) -> None:
    first = await _project(
        gql,
        FIRST,
        """language title titleIn(lang: "fr") titleNarratives { lang text }
           reportingOrg { ref type { code } secondaryReporter name french: name(lang: "fr")
                          partner { acronym } }
           publisherContacts { type { code name } emails websites
                               personNameNarratives { text } }
           humanitarian defaultCurrency iatiIdentifier status""",
    )
    assert first["language"] == "en"
    assert first["titleIn"] == "Travail décent pour les femmes déplacées au Sahel"
    assert first["titleNarratives"][1] == {
        "lang": "fr",
        "text": "Travail décent pour les femmes déplacées au Sahel",
    }
    assert first["reportingOrg"]["ref"] == "XM-DAC-41302"
    assert first["reportingOrg"]["french"] == "Organisation internationale du Travail"
    assert first["reportingOrg"]["secondaryReporter"] is False
    [contact] = first["publisherContacts"]
    assert contact["emails"] == ["sahel-project@example.org"]
    assert contact["type"]["name"] == "General Enquiries"
    assert (first["humanitarian"], first["defaultCurrency"]) == (True, "USD")
    assert first["status"] == "FINALISATION"

    second = await _project(gql, SECOND, 'language title english: titleIn(lang: "en")')
    assert second["language"] == "fr"
    assert second["title"] == "Emploi des jeunes en Afrique de l'Ouest"
    assert second["english"] == "Youth employment in West Africa"


async def test_transactions_and_budgets_are_nodes(imported: AsyncConnection, gql: Execute) -> None:
    project = await _project(gql, FIRST, "transactions { id version } budgets { id }")
    ids = [project["transactions"][2]["id"], project["budgets"][0]["id"]]
    result = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename "
        "... on Transaction { value { amount } project { code } } "
        "... on Budget { value { amount } } } }",
        {"ids": ids},
    )
    assert result.errors is None, result.errors
    assert result.data["nodes"] == [
        {"__typename": "Transaction", "value": {"amount": "150000.25"}, "project": {"code": FIRST}},
        {"__typename": "Budget", "value": {"amount": "500000"}},
    ]


async def test_hostile_arguments_are_refused(imported: AsyncConnection, gql: Execute) -> None:
    for selection in (
        'titleIn(lang: "' + "x" * 5000 + '")',
        'titleIn(lang: "fr\\u0000")',
        'transactions(filter: {types: ["' + "9" * 200 + '"]}) { date }',
    ):
        result = await gql("{ projects(first: 1) { edges { node { " + selection + " } } } }")
        assert result.errors is not None, selection
        assert result.errors[0]["extensions"]["code"] == "BAD_USER_INPUT", result.errors
