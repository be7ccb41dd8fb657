"""The benchmark's report: a column and a ratio for each PostGraphile version."""

import answers
import run
from load import Measurement

PARAMETERS = answers.Parameters("krica", 1, "ZW", "ACTIVE", "USD", answers.SEARCH_TEXT, "kofih")


def measured(requests: int) -> Measurement:
    return Measurement(requests, seconds=1.0, p50_ms=1.0, p99_ms=2.0, failed=0, server_cpu_ms=0.5)


def result_of(question: answers.Question, rates: dict[str, int]) -> run.ScaleResult:
    asked = ("coopgraph", *run.POSTGRAPHILES)
    check = run.Check(
        problems={system: [] for system in asked},
        wire={system: {"queries": 1, "round trips": 1} for system in asked},
        bytes=dict.fromkeys((*asked, "floor: SQL"), 100),
    )
    timings = {(question.name, 1, system): measured(n) for system, n in rates.items()}
    peak = dict.fromkeys(asked, 100.0)
    return run.ScaleResult(
        1, "coopgraph_bench_1_seed1", {}, PARAMETERS, {question.name: check}, timings, peak, (0, 0)
    )


def table_row(report: str, label: str) -> list[str]:
    row = next(line for line in report.splitlines() if line.startswith(f"| {label} | 1 |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_the_table_has_both_postgraphile_versions_and_a_ratio_to_each() -> None:
    q1 = next(q for q in answers.load_questions() if q.name == "q1")
    rates = {"coopgraph": 300, "PostGraphile v4": 100, "PostGraphile v5": 200}
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
    rates = {"coopgraph": 30, "PostGraphile v4": 20, "PostGraphile v5": 25}
    cells = table_row(run.scale_report(result_of(q5, rates), [q5], [1]), run.LABELS["q5"])
    assert cells[5:7] == ["— (partial)", "— (partial)"]
