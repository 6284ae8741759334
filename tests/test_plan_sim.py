"""The plan as a simulator test: a synthetic FSRS learner follows it through the real session and store.

The reference case (300 cards, 30 days) with one seed; benchmarks/plan_simulation.py runs three.
"""

import statistics

from test_plan_cli import load_simulator

sim = load_simulator()


def test_reference_case_one_seed():
    plain = sim.simulate("plain", 300, 30, seed=0)
    planned = sim.simulate("plan", 300, 30, seed=0, cap=plain.peak)
    even = sim.simulate("even", 300, 30, seed=0)
    maxivl = sim.simulate("maxivl", 300, 30, seed=0)

    assert planned.share_at(0.9) >= 0.99
    assert plain.share_at(0.9) < 0.99 and even.share_at(0.9) < 0.99  # the plain schedules miss the day
    assert max(maxivl.per_day) > 2 * plain.peak  # the naive cut piles everything on the last day
    assert planned.peak <= 1.25 * plain.peak and planned.peak <= planned.cap
    assert planned.total <= 1.10 * plain.total
    assert all(len(r.recall) == 300 for r in (plain, planned, even, maxivl))

    # the day-one forecast against what the learner then did: within 10% on every day (the session keeps each
    # day between the forecast and forecast / 0.91), so also the days so far and the total
    errors = planned.forecast_errors()
    assert len(errors) == 30 and max(errors) <= 0.10
    assert all(round(f) <= d + 1 for f, d in zip(planned.forecast, planned.per_day, strict=True))  # filled up
    assert max(planned.cumulative_errors()) <= 0.10
    assert statistics.mean(errors) <= 0.10
    assert abs(sum(planned.forecast) - planned.total) <= 0.10 * planned.total


def test_same_inputs_give_byte_identical_plans_and_runs():
    a = sim.simulate("plan", 90, 12, seed=3, cap=60)
    b = sim.simulate("plan", 90, 12, seed=3, cap=60)
    assert a.plan_json == b.plan_json and a.per_day == b.per_day and a.recall == b.recall
