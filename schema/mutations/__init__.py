"""The root mutation type. Every mutation takes one ``input`` and returns a payload; every
failure is a GraphQL error with ``extensions.code`` (see ``schema.mutations.problems``)."""

import strawberry

from schema.mutations import finance, iati, partners, projects, results


@strawberry.type(
    description="Writing the graph, with an API key sent as `Authorization: Bearer <key>`: "
    "a write key bound to a partner writes that partner's projects, an admin key "
    "everything. Each mutation is one transaction, recorded in `changes`."
)
class Mutation:
    create_project = projects.create_project
    update_project = projects.update_project
    delete_project = projects.delete_project
    link_project_partner = projects.link_project_partner
    unlink_project_partner = projects.unlink_project_partner
    create_beneficiary_group = results.create_beneficiary_group
    update_beneficiary_group = results.update_beneficiary_group
    delete_beneficiary_group = results.delete_beneficiary_group
    create_outcome = results.create_outcome
    update_outcome = results.update_outcome
    record_outcome_progress = results.record_outcome_progress
    delete_outcome = results.delete_outcome
    create_transaction = finance.create_transaction
    update_transaction = finance.update_transaction
    delete_transaction = finance.delete_transaction
    create_budget = finance.create_budget
    update_budget = finance.update_budget
    delete_budget = finance.delete_budget
    create_partner = partners.create_partner
    update_partner = partners.update_partner
    delete_partner = partners.delete_partner
    create_programme = partners.create_programme
    update_programme = partners.update_programme
    delete_programme = partners.delete_programme
    link_programme_partner = partners.link_programme_partner
    unlink_programme_partner = partners.unlink_programme_partner
    create_contribution = partners.create_contribution
    update_contribution = partners.update_contribution
    delete_contribution = partners.delete_contribution
    import_iati = iati.import_iati
