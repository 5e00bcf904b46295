"""Sixteen analytics questions about the real snapshot, each answered by a scripted model policy
that calls only Spotter's real tools (issue 14). `tests/coach/test_analytics_questions.py`
checks every answer against an independent computation from the raw JSON; `make bench` reports
the calls and tokens each takes.

A policy is what a careful model would do: one query that computes the answer (a name lookup
first where the exercise title must be exact). `answer` reads the value out of the last tool
output, the way the model would quote it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.coach.tools import ToolBox

TOKEN_CHARS = 3.0  # characters per token, rounded down from Claude's ~3.5 for JSON: an upper bound


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    calls: tuple[tuple[str, dict[str, Any]], ...]
    answer: Callable[[dict[str, Any]], Any]  # from the last tool output


def _sql(query: str) -> tuple[str, dict[str, Any]]:
    return ("query_training_log", {"sql": " ".join(query.split())})


def _value(out: dict) -> Any:
    return out["rows"][0][0]


def _pairs(out: dict) -> dict:
    return {row[0]: row[1] for row in out["rows"]}


def _lookup(name: str) -> tuple[str, dict[str, Any]]:
    return ("search_exercises", {"query": name})


REP_PRS = """
WITH w AS (
  SELECT date, start_time, exercise_index, set_index, weight_kg, reps FROM sets
  WHERE exercise = '{exercise}' {warmups} AND weight_kg > 0 AND reps > 0
), r AS (
  SELECT date, weight_kg, max(weight_kg) OVER (PARTITION BY reps ORDER BY start_time,
    exercise_index, set_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
  FROM w
)
SELECT count(*) FROM r WHERE before IS NOT NULL AND weight_kg > before
  AND date BETWEEN '2026-01-01' AND '2026-05-31'
"""

QUESTIONS: tuple[Question, ...] = (
    Question(
        "heaviest_rdl_on_a_day",
        "What was my heaviest working set of Romanian deadlift on 3 May 2026?",
        (
            _lookup("romanian deadlift"),
            _sql("""SELECT max(weight_kg) FROM sets WHERE exercise = 'Romanian Deadlift (Barbell)'
                    AND date = '2026-05-03' AND type != 'warmup'"""),
        ),
        _value,
    ),
    Question(
        "second_set_reps",
        "How many reps did I do on my second set of lat pulldowns on 9 May 2026?",
        (
            _sql("""SELECT reps FROM sets WHERE exercise = 'Lat Pulldown (Cable)'
                    AND date = '2026-05-09' ORDER BY exercise_index, set_index
                    LIMIT 1 OFFSET 1"""),
        ),
        _value,
    ),
    Question(
        "incline_e1rm_by_month_2025",
        "What was my best estimated 1RM on incline barbell bench each month of 2025?",
        (
            _sql("""SELECT substr(date, 1, 7) AS month, max(e1rm_kg) FROM sets
                    WHERE exercise = 'Incline Bench Press (Barbell)' AND type != 'warmup'
                    AND date LIKE '2025-%' GROUP BY month ORDER BY month"""),
        ),
        _pairs,
    ),
    Question(
        "sessions_per_month_2025",
        "How many sessions did I do each month in 2025?",
        (
            _sql("""SELECT substr(date, 1, 7) AS month, count(*) FROM workouts
                    WHERE date LIKE '2025-%' GROUP BY month ORDER BY month"""),
        ),
        _pairs,
    ),
    Question(
        "most_improved_q1",
        "Which three exercises gained the most top weight from Q1 2025 to Q1 2026, counting only "
        "exercises I trained in at least 3 sessions in each quarter?",
        (
            _sql("""WITH p AS (
                      SELECT exercise, CASE WHEN date BETWEEN '2025-01-01' AND '2025-03-31'
                        THEN 'a' WHEN date BETWEEN '2026-01-01' AND '2026-03-31' THEN 'b' END
                        AS q, max(weight_kg) AS top, count(DISTINCT workout_id) AS n
                      FROM sets WHERE type != 'warmup' GROUP BY exercise, q)
                    SELECT a.exercise, round(b.top - a.top, 2) AS gain FROM p a
                    JOIN p b ON a.exercise = b.exercise AND a.q = 'a' AND b.q = 'b'
                    WHERE a.n >= 3 AND b.n >= 3 ORDER BY gain DESC, a.exercise LIMIT 3"""),
        ),
        lambda out: [row[0] for row in out["rows"]],
    ),
    Question(
        "rdl_partner",
        "Which exercise do I most often do in the same session as Romanian deadlifts?",
        (
            _sql("""SELECT b.exercise, count(DISTINCT b.workout_id) AS n FROM sets a
                    JOIN sets b ON a.workout_id = b.workout_id AND b.exercise != a.exercise
                    WHERE a.exercise = 'Romanian Deadlift (Barbell)'
                    GROUP BY b.exercise ORDER BY n DESC, b.exercise LIMIT 1"""),
        ),
        lambda out: tuple(out["rows"][0]),
    ),
    Question(
        "tonnage_by_muscle_march_2026",
        "How much tonnage did each primary muscle get in March 2026 (working sets)?",
        (
            _sql("""SELECT primary_muscle, round(sum(weight_kg * reps), 1) FROM sets
                    WHERE type != 'warmup' AND date LIKE '2026-03-%' AND weight_kg > 0
                    GROUP BY primary_muscle ORDER BY primary_muscle"""),
        ),
        _pairs,
    ),
    Question(
        "leg_extension_rep_prs_no_warmups",
        "How many rep-PRs did I set on leg extensions from January to May 2026, warm-ups excluded?",
        (_sql(REP_PRS.format(exercise="Leg Extension (Machine)", warmups="AND type != 'warmup'")),),
        _value,
    ),
    Question(
        "leg_extension_rep_prs_with_warmups",
        "And counting warm-up sets too?",
        (_sql(REP_PRS.format(exercise="Leg Extension (Machine)", warmups="")),),
        _value,
    ),
    Question(
        "weeks_with_three_sessions_2025",
        "In how many weeks of 2025 (Monday to Sunday) did I train at least three times?",
        (
            _sql("""SELECT count(*) FROM (SELECT date(date, '-6 days', 'weekday 1') AS monday
                    FROM workouts WHERE monday LIKE '2025-%' GROUP BY monday
                    HAVING count(*) >= 3)"""),
        ),
        _value,
    ),
    Question(
        "longest_break",
        "What was my longest break between two sessions, in days?",
        (
            _sql("""SELECT max(julianday(date) - julianday(prev)) FROM (SELECT date,
                    lag(date) OVER (ORDER BY start_time) AS prev FROM workouts)"""),
        ),
        _value,
    ),
    Question(
        "average_duration_2026",
        "How long were my sessions on average in 2026, in minutes?",
        (
            _sql("""SELECT round(avg(duration_min), 1) FROM workouts
                    WHERE date LIKE '2026-%'"""),
        ),
        _value,
    ),
    Question(
        "top_five_last_12_weeks",
        "Which five exercises did I do the most working sets of in the 12 weeks before my last "
        "session, and how many?",
        (
            _sql("""SELECT exercise, count(*) AS n FROM sets WHERE type != 'warmup'
                    AND date > date((SELECT max(date) FROM workouts), '-84 days')
                    GROUP BY exercise ORDER BY n DESC, exercise LIMIT 5"""),
        ),
        lambda out: [tuple(row) for row in out["rows"]],
    ),
    Question(
        "distinct_exercises",
        "How many different exercises have I ever logged?",
        (_sql("SELECT count(DISTINCT template_id) FROM sets"),),
        _value,
    ),
    Question(
        "biggest_day",
        "On which day did I lift the most total weight (working sets), and how much?",
        (
            _sql("""SELECT date, round(sum(weight_kg * reps), 1) AS t FROM sets
                    WHERE type != 'warmup' AND weight_kg > 0 GROUP BY date
                    ORDER BY t DESC LIMIT 1"""),
        ),
        lambda out: tuple(out["rows"][0]),
    ),
    Question(
        "dumbbell_bench_ten_plus",
        "What is the heaviest I have dumbbell-benched for 10 or more reps?",
        (
            _lookup("dumbbell bench"),
            _sql("""SELECT max(weight_kg) FROM sets WHERE exercise = 'Bench Press (Dumbbell)'
                    AND reps >= 10 AND type != 'warmup'"""),
        ),
        _value,
    ),
)


@dataclass(frozen=True)
class Answered:
    question: Question
    value: Any
    calls: int
    output_chars: int
    errors: int

    @property
    def tokens(self) -> int:
        return round(self.output_chars / TOKEN_CHARS)


async def ask(box: ToolBox, question: Question) -> Answered:
    """Run the question's policy through the real tools; the value read from the last output."""
    chars = errors = 0
    output = ""
    for name, args in question.calls:
        output, is_error = await box.run(name, args)
        chars += len(output)
        errors += is_error
    return Answered(
        question, question.answer(json.loads(output)), len(question.calls), chars, errors
    )
