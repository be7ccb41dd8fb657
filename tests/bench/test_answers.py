"""The benchmark's questions and how answers of different shapes are compared."""

from decimal import Decimal

import answers
import graphql

from schema.build import schema


def test_every_question_has_its_files_and_parameters() -> None:
    questions = {q.name: q for q in answers.load_questions()}
    assert list(questions) == ["q1", "q2", "q2b", "q3", "q4", "q5", "q6"]
    assert questions["q5"].support is answers.Support.PARTIAL
    assert questions["q6"].support is answers.Support.NONE
    assert all(q.support is answers.Support.FULL for n, q in questions.items() if n < "q5")
    assert all(q.reason for q in questions.values() if q.support is not answers.Support.FULL)
    fields = set(answers.Parameters.__dataclass_fields__)
    assert all(set(q.params) <= fields for q in questions.values())


def test_coopgraph_documents_are_valid_against_the_schema() -> None:
    for question in answers.load_questions():
        document = graphql.parse(question.coopgraph)
        assert graphql.validate(schema._schema, document) == [], question.name


def test_answers_of_different_shapes_with_the_same_data_agree() -> None:
    coopgraph = {
        "projects": {"edges": [{"node": {"code": "prj-1", "budget": {"amount": "1000.00"}}}]}
    }
    postgraphile = {
        "allProjects": {"nodes": [{"nodeId": "WyJ4Il0=", "code": "prj-1", "budgetAmount": "1000"}]}
    }
    floor = [{"code": "prj-1", "budget_amount": Decimal("1E+3"), "acronym": None}]
    digests = [answers.Digest.of(a, r"prj-") for a in (coopgraph, postgraphile, floor)]
    assert digests[0].differences(digests[1]) == []
    assert digests[0].differences(digests[2]) == []


def test_a_different_value_or_order_is_reported() -> None:
    one = [{"code": "prj-1", "n": 2}, {"code": "prj-2", "n": 3}]
    changed = [{"code": "prj-1", "n": 2}, {"code": "prj-2", "n": 4}]
    reordered = [one[1], one[0]]
    assert answers.Digest.of(one, r"prj-").differences(answers.Digest.of(changed, r"prj-"))
    assert answers.Digest.of(one, r"prj-").differences(answers.Digest.of(reordered, r"prj-"))
    assert not answers.Digest.of(one, None).differences(answers.Digest.of(reordered, None))
