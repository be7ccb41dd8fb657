"""Values GraphQL's types let through but no column holds: overflowing and foreign-digit
ids, keys, Decimals, texts, codes, currencies. Each is a coded refusal in bounded server
time, and nothing is written."""

import json
from typing import Any

import pytest
import websockets

from db.bounds import INT4_MAX
from schema.mutations.text_bounds import MAX_CODE_LENGTH, MAX_NAME_LENGTH
from tests.hostile.conftest import Service, global_id, refused

NODE = "query($id: ID!) { node(id: $id) { id } }"
ODD_NUMBERS = [
    str(INT4_MAX + 1),
    "9" * 30,
    "\u0661\u0662",  # Arabic-Indic digits: str.isdigit() and int() take them
    "\u00b2",  # superscript two: isdigit() takes it, int() raises
    "\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663\u0663",
    "0",
    "-1",
    " 1",
    "1_000",
]


@pytest.mark.parametrize("number", ODD_NUMBERS)
async def test_a_global_id_of_an_odd_number_is_bad_input(service: Service, number: str) -> None:
    for type_name in ("Project", "Partner", "Outcome"):
        answer = await service.post(
            {"query": NODE, "variables": {"id": global_id(type_name, number)}}
        )
        refused(answer, "BAD_USER_INPUT", "NOT_FOUND")


@pytest.mark.parametrize("number", ODD_NUMBERS)
async def test_odd_ids_in_filters_and_mutations_are_bad_input(
    service: Service, number: str
) -> None:
    before = await service.writes()
    listing = await service.post(
        {
            "query": "query($ids: [ID!]) "
            "{ projects(filter: {partner: {ids: $ids}}) { totalCount } }",
            "variables": {"ids": [global_id("Partner", number)]},
        }
    )
    refused(listing, "BAD_USER_INPUT")
    deleting = await service.post(
        {
            "query": "mutation($id: ID!) "
            "{ deleteProject(input: {id: $id, version: 1}) { deletedId } }",
            "variables": {"id": global_id("Project", number)},
        },
        key=service.admin_key,
    )
    refused(deleting, "BAD_USER_INPUT", "NOT_FOUND")
    assert await service.writes() == before


OVERFLOWING_KEYS = [
    f"cg_{INT4_MAX + 1}_{'a' * 43}",
    f"cg_{'9' * 18}_{'a' * 43}",
    f"cg_\u0661\u0662_{'a' * 43}",
    "cg_1_" + "a" * 5000,
]


@pytest.mark.parametrize("key", OVERFLOWING_KEYS)
async def test_an_overflowing_key_is_not_a_server_error(service: Service, key: str) -> None:
    answer = await service.post({"query": "{ projects { totalCount } }"}, key=key)
    # Reads are public: a key that is not valid is told so, or ignored; never a 500.
    assert answer.status_code == 200, answer.text
    codes = {e["extensions"]["code"] for e in answer.json().get("errors", [])}
    assert codes <= {"UNAUTHENTICATED", "FORBIDDEN"}


@pytest.mark.parametrize("key", OVERFLOWING_KEYS[:3])
async def test_an_overflowing_key_closes_a_websocket_with_a_code(
    service: Service, key: str
) -> None:
    async with websockets.connect(
        f"ws://{service.address}/graphql",
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


CREATE = "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }"


def _project(**fields: Any) -> dict[str, Any]:
    return {"code": "hostile-project", "title": "A hostile project", **fields}


ODD_AMOUNTS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e30",
    "9" * 30,
    "1" + "0" * 17,
    "\u0665\u0660",
    "0x10",
]


@pytest.mark.parametrize("amount", ODD_AMOUNTS)
async def test_an_odd_amount_is_bad_input_and_nothing_is_written(
    service: Service, amount: str
) -> None:
    before = await service.writes()
    answer = await service.post(
        {
            "query": CREATE,
            "variables": {"input": _project(budget={"amount": amount, "currency": "USD"})},
        },
        key=service.admin_key,
    )
    refused(answer, "BAD_USER_INPUT")
    assert await service.writes() == before


ODD_INPUTS = {
    "900 KB title": _project(title="t" * 900_000),
    "title over its bound": _project(title="t" * (MAX_NAME_LENGTH + 1)),
    "code over its bound": _project(code="c" * (MAX_CODE_LENGTH + 1)),
    "code with a space": _project(code="hostile project"),
    "code with a slash": _project(code="hostile/project"),
    "code with a zero-width space": _project(code="hostile\u200bproject"),
    "code with a soft hyphen": _project(code="hostile\u00adproject"),
    "code in another script": _project(code="\u04bbostile-project"),
    "title with a control character": _project(title="bell\u0007"),
    "title with a direction override": _project(title="evil\u202etxt"),
    "currency XXX": _project(budget={"amount": "1", "currency": "XXX"}),
    "currency XTS": _project(budget={"amount": "1", "currency": "XTS"}),
    "currency in lower case": _project(budget={"amount": "1", "currency": "usd"}),
    "date in Arabic-Indic digits": _project(plannedStart={"value": "\u0662\u0660\u0662\u0661"}),
    "date in full-width digits": _project(
        plannedStart={"value": "\uff12\uff10\uff12\uff11-\uff10\uff11"}
    ),
    "share in Arabic-Indic digits": _project(
        beneficiaryGroups=[
            {
                "code": "g",
                "description": "d",
                "categories": ["WOMEN"],
                "womenShare": {"value": "\u0665\u0660"},
            }
        ]
    ),
    "share of NaN": _project(
        beneficiaryGroups=[
            {
                "code": "g",
                "description": "d",
                "categories": ["WOMEN"],
                "womenShare": {"value": "NaN"},
            }
        ]
    ),
}


@pytest.mark.parametrize("project", ODD_INPUTS.values(), ids=ODD_INPUTS.keys())
async def test_odd_input_is_bad_input_and_nothing_is_written(
    service: Service, project: dict[str, Any]
) -> None:
    before = await service.writes()
    answer = await service.post(
        {"query": CREATE, "variables": {"input": project}}, key=service.admin_key
    )
    # A 900 KB title is also over this service's body limit (100 kB): a 413.
    refused(answer, "BAD_USER_INPUT", "PAYLOAD_TOO_LARGE")
    assert await service.writes() == before


@pytest.mark.parametrize(
    "code",
    ["Tunisia-ICT-Jobs", "TUNISIA-ICT-JOBS", "tunisia-ict-jobs\u200b", "tunisia\u2060-ict-jobs"],
)
async def test_a_near_duplicate_of_an_existing_code_is_refused(service: Service, code: str) -> None:
    before = await service.writes()
    answer = await service.post(
        {"query": CREATE, "variables": {"input": _project(code=code)}}, key=service.admin_key
    )
    refused(answer, "BAD_USER_INPUT", "CONFLICT")
    assert await service.writes() == before
