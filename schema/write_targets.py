"""Which projects a mutation's input touches, for the partner-scope permission check."""

from dataclasses import dataclass
from typing import Any

from strawberry import relay

from db.authorisation import projects_of
from db.bounds import record_id
from schema.info import Info


@dataclass(frozen=True)
class Target:
    project_ids: list[int]
    new_project_partner_ids: set[int] | None = None
    """For a project being created: the partners it will have."""


def _id(value: Any, type_name: str) -> int | None:
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception:
        return None
    if global_id.type_name != type_name:
        return None
    return record_id(global_id.node_id)


def _ids(*values: int | None) -> list[int]:
    return [v for v in values if v is not None]


async def target_projects(info: Info, field_name: str, data: Any) -> Target:
    """Ids that do not decode touch nothing here: the mutation itself refuses them."""
    if field_name == "createProject":
        partners = {_id(link.partner_id, "Partner") for link in data.partners}
        return Target([], {p for p in partners if p is not None})
    if field_name in ("updateProject", "deleteProject"):
        return Target(_ids(_id(data.id, "Project")))
    if field_name in (
        "linkProjectPartner",
        "unlinkProjectPartner",
        "createBeneficiaryGroup",
        "createOutcome",
        "createTransaction",
        "createBudget",
    ):
        return Target(_ids(_id(data.project_id, "Project")))
    owned = {
        "updateBeneficiaryGroup": ("beneficiary_group", "BeneficiaryGroup"),
        "deleteBeneficiaryGroup": ("beneficiary_group", "BeneficiaryGroup"),
        "updateOutcome": ("outcome", "Outcome"),
        "deleteOutcome": ("outcome", "Outcome"),
        "recordOutcomeProgress": ("outcome", "Outcome"),
        "updateTransaction": ("activity_transaction", "Transaction"),
        "deleteTransaction": ("activity_transaction", "Transaction"),
        "updateBudget": ("activity_budget", "Budget"),
        "deleteBudget": ("activity_budget", "Budget"),
    }
    table, type_name = owned[field_name]
    record_id = _id(data.id, type_name)
    if record_id is None:
        return Target([])
    return Target(await info.context.read(projects_of, table, [record_id]))
