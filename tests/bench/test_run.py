"""The benchmark's report: a column and a ratio for each PostGraphile version, each figure
the median of its runs."""

import argparse
import dataclasses

import answers
import pytest
import run
from load import Measurement

PARAMETERS = answers.Parameters("krica", 1, "ZW", "ACTIVE", "USD", answers.SEARCH_TEXT, "kofih")


def measured(requests: int) -> Measurement:
    return Measurement(requests, seconds=1.0, p50_ms=1.0, p99_ms=2.0, failed=0, server_cpu_ms=0.5)


def result_of(question: answers.Question, rates: dict[str, list[int]]) -> run.ScaleResult:
    """Each system's requests/s, one per run."""
    asked = ("coopgraph", *run.POSTGRAPHILES)
    check = run.Check(
        problems={system: [] for system in asked},
        wire={system: {"queries": 1, "round trips": 1} for system in asked},
        bytes=dict.fromkeys((*asked, "floor: SQL"), 100),
    )
    timings = {
        (question.name, 1, system): [measured(n) for n in runs] for system, runs in rates.items()
    }
    peak = dict.fromkeys(asked, 100.0)
    return run.ScaleResult(
        1, "coopgraph_bench_1_seed1", {}, PARAMETERS, {question.name: check}, timings, peak, (0, 0)
    )


def table_row(report: str, label: str) -> list[str]:
    row = next(line for line in report.splitlines() if line.startswith(f"| {label} | 1 |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_the_table_has_both_postgraphile_versions_and_a_ratio_to_each() -> None:
    q1 = next(q for q in answers.load_questions() if q.name == "q1")
    rates = {"coopgraph": [300], "PostGraphile v4": [100], "PostGraphile v5": [200]}
    report = run.scale_report(result_of(q1, rates), [q1], [1])

    assert "| coopgraph | PostGraphile v4 | PostGraphile v5 | coopgraph/v4 | coopgraph/v5 |" in (
        report
    )
    cells = table_row(report, run.LABELS["q1"])
    assert cells[2:7] == ["300 / 1.0 / 2.0", "100 / 1.0 / 2.0", "200 / 1.0 / 2.0", "3.00", "1.50"]
    assert "coopgraph: yes, PostGraphile v4: yes, PostGraphile v5: yes" in report
    assert "PostGraphile v5 100 MB" in report


def test_a_question_postgraphile_answers_in_part_gets_no_ratio() -> None:
    q5 = next(q for q in answers.load_questions() if q.name == "q5")
    rates = {"coopgraph": [30], "PostGraphile v4": [20], "PostGraphile v5": [25]}
    cells = table_row(run.scale_report(result_of(q5, rates), [q5], [1]), run.LABELS["q5"])
    assert cells[5:7] == ["1.50 (partial)", "1.20 (partial)"]


def test_a_question_postgraphile_cannot_answer_gets_no_ratio() -> None:
    q6 = next(q for q in answers.load_questions() if q.name == "q6")
    cells = table_row(
        run.scale_report(result_of(q6, {"coopgraph": [40]}), [q6], [1]), run.LABELS["q6"]
    )
    assert cells[3:7] == ["—", "—", "— (cannot answer)", "— (cannot answer)"]


def test_a_figure_is_its_median_run_and_a_ratio_the_median_of_the_runs_ratios() -> None:
    q1 = next(q for q in answers.load_questions() if q.name == "q1")
    # The machine was busy in the second run: both systems slowed down together.
    rates = {
        "coopgraph": [300, 150, 310],
        "PostGraphile v4": [100, 100, 100],
        "PostGraphile v5": [200, 60, 220],
    }
    cells = table_row(run.scale_report(result_of(q1, rates), [q1], [1]), run.LABELS["q1"])
    assert cells[2:5] == ["300 / 1.0 / 2.0", "100 / 1.0 / 2.0", "200 / 1.0 / 2.0"]
    # Runs' ratios to v5: 1.50, 2.50, 1.41 — the median, then the range.
    assert cells[5:7] == ["3.00 (1.50 to 3.10)", "1.50 (1.41 to 2.50)"]


def test_a_question_without_a_label_is_named_by_its_file_and_title() -> None:
    q1 = next(q for q in answers.load_questions() if q.name == "q1")
    later = dataclasses.replace(q1, name="q9", title="money by sector")
    assert run.label(later) == "Q9 money by sector"


def test_systems_are_chosen_by_name_and_in_the_tables_order() -> None:
    assert run.chosen_systems("floor,coopgraph") == (
        "coopgraph",
        "floor: SQL",
        "floor: HTTP",
        "floor: GraphQL",
    )
    assert run.chosen_systems("postgraphile5") == ("PostGraphile v5",)
    with pytest.raises(argparse.ArgumentTypeError, match="unknown system postgrafile"):
        run.chosen_systems("coopgraph,postgrafile")


def test_a_system_the_run_skipped_shows_as_not_run() -> None:
    q1 = next(q for q in answers.load_questions() if q.name == "q1")
    result = dataclasses.replace(
        result_of(q1, {"coopgraph": [300], "floor: SQL": [900]}),
        systems=("coopgraph", "floor: SQL"),
    )
    report = run.scale_report(result, [q1], [1])
    cells = table_row(report, run.LABELS["q1"])
    assert cells[2:8] == [
        "300 / 1.0 / 2.0",
        "not run",
        "not run",
        "— (not run)",
        "— (not run)",
        "900 / 1.0 / 2.0",
    ]
    assert cells[8:] == ["not run", "not run"]
