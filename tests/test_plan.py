"""quiz.plan: the FSRS arithmetic against fsrs itself, the new-card cut-off, the final review, feasibility."""

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from quiz import plan, scheduler

NOW = datetime(2027, 3, 1, 8, 0).timestamp()  # local 08:00
TODAY = date(2027, 3, 1)
QUESTIONS = [(f"t{i % 3}.q{i:03d}", f"t{i % 3}") for i in range(120)]


def test_default_parameters_are_fsrs_defaults():
    from fsrs.scheduler import DEFAULT_PARAMETERS

    assert plan.DEFAULT_PARAMETERS == tuple(DEFAULT_PARAMETERS)


@pytest.mark.parametrize("retention,parameters", [(0.9, None), (0.85, tuple(p * 1.05 for p in plan.DEFAULT_PARAMETERS))])
def test_model_reproduces_fsrs_review_and_retrievability(retention, parameters):
    """Random rating sequences at random gaps: every field of every state equals fsrs' (fuzz off)."""
    rng = random.Random(1)
    model = plan.Model(parameters, retention)
    for _ in range(150):
        t = datetime(2027, 1, 1, 8, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(10**6))
        state, card = None, None
        for _ in range(8):
            rating = rng.choice([1, 2, 3, 3, 3, 4])
            state = scheduler.review(state, rating, t, retention, False, parameters)
            card = plan.Model.review(model, card, rating, t.timestamp())
            ref = plan.card_from_state(state)
            assert card[:2] == ref[:2]
            assert card[2:] == pytest.approx(ref[2:], rel=1e-12)
            t += timedelta(seconds=rng.choice([0, 30, 600, 86400, 3 * 86400 + 5, 20 * 86400]))
            r = scheduler.retrievability(state, t, retention, parameters)
            assert model.recall(card[2], t.timestamp() - card[5]) == pytest.approx(r, rel=1e-12)


def test_long_overdue_cards_are_discounted():
    model = plan.Model()
    card = [2, None, 10.0, 5.0, NOW, NOW - 10 * plan.DAY]  # due now
    plain = model.recall(10.0, 25 * plan.DAY)
    assert plan.recall_at(model, card, NOW + 15 * plan.DAY) == pytest.approx(plain * plan.OVERDUE_FACTOR)
    assert plan.recall_at(model, card, NOW + 13 * plan.DAY) == model.recall(10.0, 23 * plan.DAY)


def _fsrs_good_review_days(intro: datetime, last_day: date) -> int:
    """Reviews on later days before the interview for a card introduced at `intro`, all Good (fsrs itself)."""
    s = scheduler.review(scheduler.review(None, 3, intro, fuzz=False), 3, intro, fuzz=False)
    n = 0
    while True:
        due = datetime.fromtimestamp(s["due"], timezone.utc)
        if due.astimezone().date() > last_day:
            return n
        t = datetime.combine(due.astimezone().date(), intro.astimezone().time()).astimezone(timezone.utc)
        s = scheduler.review(s, 3, t, fuzz=False)
        n += 1


def test_new_cards_are_spread_evenly_up_to_the_cut_off():
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW)
    quotas = [d.quota for d in p.days]
    cut = quotas.index(0)
    assert sum(quotas) == 120 and max(quotas[:cut]) - min(quotas[:cut]) <= 1 and not any(quotas[cut:])
    assert p.cutoff == (TODAY + timedelta(days=cut - 1)).isoformat()
    last = TODAY + timedelta(days=29)
    start = datetime.fromtimestamp(NOW, timezone.utc)
    assert _fsrs_good_review_days(start + timedelta(days=cut - 1), last) >= plan.MIN_SPACED_REVIEWS
    assert _fsrs_good_review_days(start + timedelta(days=cut), last) < plan.MIN_SPACED_REVIEWS


def test_uncapped_fresh_plan_meets_the_target_and_predicts_every_card():
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW)
    assert p.meets and p.below == sum(v < 0.9 for v in p.recall.values())
    assert set(p.recall) == {q for q, _ in QUESTIONS}
    assert p.min_recall == min(p.recall.values()) and p.mean_recall == pytest.approx(
        sum(p.recall.values()) / 120, abs=1e-4)
    assert sum(d.final for d in p.days[:-plan.FINAL_WINDOW_DAYS]) == 0  # final reviews only in the last week
    assert "feasible: " in p.verdict()


def test_same_inputs_give_byte_identical_plans():
    states = {"t0.q000": {"state": 2, "step": None, "stability": 4.0, "difficulty": 5.0, "due": NOW - plan.DAY,
                          "last_review": NOW - 5 * plan.DAY}}  # fmt: skip
    a = plan.make_plan(states, QUESTIONS, [], TODAY + timedelta(days=20), NOW, cap=40).to_json()
    b = plan.make_plan(dict(states), list(QUESTIONS), [], TODAY + timedelta(days=20), NOW, cap=40).to_json()
    assert a == b
    assert a != plan.make_plan(states, QUESTIONS, [], TODAY + timedelta(days=20), NOW, cap=41).to_json()


def test_a_cap_too_small_is_infeasible_with_figures():
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW, cap=8)
    assert not p.meets and p.below > 0.01 * 120
    assert sum(p.below_topics.values()) == p.below and set(p.below_topics) <= {"t0", "t1", "t2"}
    assert max(d.reviews for d in p.days) <= 8
    assert p.needed_per_day is not None and p.needed_per_day > 8
    assert p.needed_minutes == round(p.needed_per_day * plan.DEFAULT_SECONDS / 60, 1)
    ok = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW, cap=p.needed_per_day)
    assert ok.meets
    short = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW, cap=p.needed_per_day * 9 // 10)
    assert not short.meets  # the figure is close to the smallest cap that works, not just any cap
    v = p.verdict()
    assert v.startswith("NOT feasible") and f"{p.below} below target" in v and f"about {p.needed_per_day} reviews/day" in v


def test_too_few_days_names_the_latest_start_for_new_cards():
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=3), NOW, cap=30)
    assert not p.meets and p.cutoff is None
    lead = plan._lead_days(plan.Model(), NOW)
    assert p.latest_start == (TODAY + timedelta(days=3) - timedelta(days=lead)).isoformat()
    assert f"needed to start by {p.latest_start}" in p.verdict()


def test_minutes_per_day_uses_the_median_answer_time():
    reviews = [{"duration_ms": ms, "rating": 3, "state_before": None, "cram": 0} for ms in (4000, 6000, 30000)]
    p = plan.make_plan({}, QUESTIONS, reviews, TODAY + timedelta(days=30), NOW, minutes_per_day=2)
    assert p.seconds_per_answer == 6.0 and p.cap == 20
    assert plan.seconds_per_answer([]) == (plan.DEFAULT_SECONDS, "default 15 s per answer (no timed answers yet)")
    assert p.days[0].minutes == round(p.days[0].reviews * 6 / 60, 1)


def test_first_sight_share_comes_from_the_log_once_there_is_enough():
    few = [{"rating": 1, "state_before": None}] * (plan.MIN_FIRST_REVIEWS - 1)
    assert plan.first_good_share(few) == plan.FIRST_GOOD_DEFAULT
    many = [{"rating": 1, "state_before": None}] * 10 + [{"rating": 3, "state_before": None}] * 30
    many += [{"rating": 1, "state_before": "{}"}] * 50  # later reviews do not count
    assert plan.first_good_share(many) == 0.75


def _review_card(stability: float, last_days_ago: float, due_in_days: float) -> list:
    return [2, None, stability, 5.0, NOW + due_in_days * plan.DAY, NOW - last_days_ago * plan.DAY]


def test_final_picks_weakest_first_an_even_share_under_the_budget():
    model = plan.Model()
    interview = NOW + 6 * plan.DAY + 3600
    last_end = NOW + 6 * plan.DAY - 8 * 3600
    cards = {
        "weak": _review_card(3.0, 2, 8),  # due after the last study day, recall at the interview well below 0.9
        "weaker": _review_card(2.0, 2, 7),
        "fine": _review_card(60.0, 1, 59),  # recall on the day above target
        "due_soon": _review_card(1.0, 5, 2),  # FSRS shows it again before the interview: not a final pick
        "learning": [1, 1, 1.0, 5.0, NOW + 7 * plan.DAY, NOW - 9 * plan.DAY],
        "new": None,
    }
    assert plan.recall_at(model, cards["weaker"], interview) < plan.recall_at(model, cards["weak"], interview) < 0.9
    assert plan.final_picks(cards, model, interview, last_end, 1, 10, 0.9) == ["weaker", "weak"]
    assert plan.final_picks(cards, model, interview, last_end, 2, 10, 0.9) == ["weaker"]  # ceil(2 / 2)
    assert plan.final_picks(cards, model, interview, last_end, 1, 1, 0.9) == ["weaker"]  # the budget
    assert plan.final_picks(cards, model, interview, last_end, 1, 0, 0.9) == []


def test_budget_splits_the_cap():
    assert plan.budget(None, 0, 50, 10, 0.8, 0.9) == (50, 1 << 30, 10)
    # cap 100: 50 due cost 55 expected reviews, a new card 2.2, so 20 new and 1 review left for final ones
    assert plan.budget(100, 0, 50, 30, 0.8, 0.9) == (50, 1, 20)
    assert plan.budget(100, 90, 50, 30, 0.8, 0.9) == (10, 0, 0)


def test_today_reads_the_active_plan_until_the_interview():
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=10), NOW, cap=50).to_dict()
    quotas = [d["quota"] for d in p["days"]]
    t = plan.today(p, NOW + 2 * plan.DAY)
    assert t.new_quota == sum(quotas[:3]) and t.cap == 50 and t.days_left == 8 and not t.in_window
    assert t.forecast == p["days"][2]["reviews"]
    assert t.past == tuple((plan.midnight(TODAY + timedelta(days=i)), p["days"][i]["reviews"]) for i in range(2))
    assert t.early_until == plan.midnight(TODAY + timedelta(days=2 + 1 + plan.EARLY_DAYS))
    last = plan.today(p, NOW + 8 * plan.DAY)  # two study days left: early reviews stop at the last one's end
    assert last.early_until == last.last_study_end == plan.midnight(TODAY + timedelta(days=10))
    assert plan.today(p, NOW + 3 * plan.DAY).in_window
    assert plan.today(p, plan.interview_time(TODAY + timedelta(days=10))) is None  # after: plain FSRS
    assert plan.today(None, NOW) is None


def test_dates_and_targets_are_checked():
    with pytest.raises(plan.PlanError, match="after today"):
        plan.make_plan({}, QUESTIONS, [], TODAY, NOW)
    with pytest.raises(plan.PlanError, match="target"):
        plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=3), NOW, target=1.0)


def test_last_new_day_is_what_the_forecast_does_even_when_the_cap_pushes_new_cards_back():
    # 120 new cards, 30 days and a cap of 8 reviews a day: new cards spill past the planned cut-off
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW, cap=8)
    introduced = [d.date for d in p.days if d.new > 0]
    assert p.last_new == introduced[-1]
    assert p.cutoff is not None and p.last_new > p.cutoff
    uncapped = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=30), NOW)
    assert uncapped.last_new == max(d.date for d in uncapped.days if d.new > 0) <= uncapped.cutoff


def test_load_band_is_the_forecast_up_to_nine_percent_more_under_the_cap():
    # at least the forecast, rounded; at most forecast / 0.91, rounded down: never more than 9% off what is done
    assert plan.LOAD_BAND == 0.09
    assert plan.load_band(100, 44.1) == (48, 44)  # 44.1 / 0.91 = 48.46
    assert plan.load_band(100, 44.5) == (48, 45)  # half up
    assert plan.load_band(100, 91.0) == (100, 91)  # 91 / 0.91 = 100 exactly (rounded before flooring)
    assert plan.load_band(46, 44.1) == (46, 44)  # the cap
    assert plan.load_band(40, 44.1) == (40, 40)
    assert plan.load_band(None, 44.1) == (48, 44)
    assert plan.load_band(None, 5.6) == (6, 6)  # a small day: the most is never below the least
    assert plan.load_band(100, 0.0) == (0, 0)
    assert plan.load_band(100, None) == (100, 0)  # not a day of the plan: the cap only


def test_catch_up_after_a_missed_day_is_what_the_days_since_fell_short():
    assert plan.MISSED_SHARE == 0.5
    assert plan.catch_up([10, 10], [10, 2]) == 8  # the second day missed (2 < 5)
    assert plan.catch_up([10, 10], [10, 5]) == 0  # half the forecast is not a missed day
    assert plan.catch_up([10, 10, 10], [0, 15, 12]) == 3  # made up in part since
    assert plan.catch_up([10, 10, 10], [0, 20, 12]) == 0  # made up
    assert plan.catch_up([10.4, 10.4], [11, 4]) == 6  # from the first missed day: round(10.4 - 4)
    assert plan.catch_up([], []) == 0


def test_today_band_adds_the_backlog_of_missed_days_up_to_the_cap():
    body = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=10), NOW, cap=50).to_dict()
    t = plan.today(body, NOW + 2 * plan.DAY)
    f0, f1, f2 = (d["reviews"] for d in body["days"][:3])
    most, least = plan.load_band(50, f2)
    new = t.new_before
    assert new == body["days"][0]["new"] + body["days"][1]["new"] > plan.NEW_SLACK
    assert t.band([round(f0), round(f1)], new) == (most, least)
    behind = round(f0 + f1 - 0)
    assert t.band([0, 0], new) == (min(50, most + behind), least)
    uncapped = plan.today({**body, "cap": None}, NOW + 2 * plan.DAY)
    assert uncapped.band([0, 0], new) == (plan.load_band(None, f2)[0] + behind, least)
    # new cards behind the forecast's by more than NEW_SLACK (a binding cap, bad luck): up to the cap
    assert t.band([round(f0), round(f1)], new - plan.NEW_SLACK) == (most, least)
    assert t.band([round(f0), round(f1)], new - plan.NEW_SLACK - 1) == (50, least)
    assert uncapped.band([round(f0), round(f1)], new - plan.NEW_SLACK - 1) == (None, least)


def _model_card(state: int, stability: float, last_days_ago: float, due_in_days: float) -> list:
    return [state, None if state == plan.REVIEW else 0, stability, 5.0, NOW + due_in_days * plan.DAY,
            NOW - last_days_ago * plan.DAY]  # fmt: skip


def test_early_picks_take_review_cards_due_soon_lowest_recall_now_first():
    day_end = plan.midnight(TODAY + timedelta(days=1))
    until = plan.midnight(TODAY + timedelta(days=1 + plan.EARLY_DAYS))
    cards = {
        "due_today": _model_card(plan.REVIEW, 5.0, 6, -1),  # due: not an early review
        "in_1_day_ratio_0.90": _model_card(plan.REVIEW, 10.0, 9, 1),
        "in_2_days_ratio_0.905": _model_card(plan.REVIEW, 21.0, 19, 2),
        "in_3_days_ratio_0.903": _model_card(plan.REVIEW, 31.0, 28, 3),
        "in_3_days_ratio_0.40": _model_card(plan.REVIEW, 5.0, 2, 3),
        "in_2_days_ratio_0.33": _model_card(plan.REVIEW, 3.0, 1, 2),
        "in_5_days": _model_card(plan.REVIEW, 30.0, 25, 5),  # beyond EARLY_DAYS
        "learning_in_1_day": _model_card(plan.LEARNING, 1.0, 1, 1),
        "relearning_in_1_day": _model_card(plan.RELEARNING, 1.0, 1, 1),
        "new": None,
    }
    picks = plan.early_picks(cards.items(), NOW, day_end, until, 10)
    assert picks == ["in_2_days_ratio_0.905", "in_3_days_ratio_0.903", "in_1_day_ratio_0.90", "in_3_days_ratio_0.40",
                     "in_2_days_ratio_0.33"]  # fmt: skip
    assert plan.early_picks(cards.items(), NOW, day_end, until, 2) == picks[:2]
    assert plan.early_picks(cards.items(), NOW, day_end, until, 0) == []
    assert plan.early_picks(cards.items(), NOW, day_end, until, 10, skip={picks[0]}) == picks[1:]
    # never after the last study day: with it ending tomorrow night, only the card due tomorrow qualifies
    assert plan.early_picks(cards.items(), NOW, day_end, day_end + plan.DAY, 10) == ["in_1_day_ratio_0.90"]


def test_the_forecast_keeps_every_day_of_its_own_plan_within_the_band():
    """The second pass's rule, run again with another seed: every day's answers are within load_band of the
    plan's forecast (day one is new cards only, so nothing can fill it: it may fall short, never over)."""
    p = plan.make_plan({}, QUESTIONS, [], TODAY + timedelta(days=20), NOW, cap=40)
    dates = [TODAY + timedelta(days=i) for i in range(20)]
    study_at = [NOW + i * plan.DAY for i in range(20)]
    forecast = [d.reviews for d in p.days]
    for seed in (101, 102):
        cards = {q: None for q, _ in QUESTIONS}
        _new, done, _fin = plan._simulate(plan.Model(), cards, [q for q, _ in QUESTIONS], dates, study_at,
                                          plan.interview_time(TODAY + timedelta(days=20)), [d.quota for d in p.days],
                                          40, 0.9, plan.FIRST_GOOD_DEFAULT, random.Random(seed), forecast,
                                          [d.new for d in p.days])  # fmt: skip
        bands = [plan.load_band(40, f) for f in forecast]
        assert all(n <= most for n, (most, _least) in zip(done, bands, strict=True))
        assert all(n >= least for n, (_most, least) in list(zip(done, bands, strict=True))[1:])
        assert done != [least for _most, least in bands]  # FSRS still decides inside the band


def test_last_week_forecast_keeps_a_margin_and_the_rest_is_the_expected_load():
    """Day by day, the forecast is the first pass's mean load (the learner without the band), x1.1 in the last
    week; checked against the first pass run here."""
    interview = TODAY + timedelta(days=20)
    p = plan.make_plan({}, QUESTIONS, [], interview, NOW, cap=40)
    dates = [TODAY + timedelta(days=i) for i in range(20)]
    replicas = min(plan.MAX_REPLICAS, max(1, -(-plan.MIN_SAMPLES // len(QUESTIONS))))
    sums = [0] * 20
    for r in range(replicas):
        _n, done, _f = plan._simulate(plan.Model(), {q: None for q, _ in QUESTIONS}, [q for q, _ in QUESTIONS],
                                      dates, [NOW + i * plan.DAY for i in range(20)], plan.interview_time(interview),
                                      [d.quota for d in p.days], 40, 0.9, plan.FIRST_GOOD_DEFAULT,
                                      random.Random(plan.SEED + r))  # fmt: skip
        sums = [a + b for a, b in zip(sums, done, strict=True)]
    window = 20 - plan.FINAL_WINDOW_DAYS
    expected = [min(40, round(x / replicas * (1.1 if i >= window else 1), 1)) for i, x in enumerate(sums)]
    assert [d.reviews for d in p.days] == expected
    assert p.days[window].reviews > sums[window] / replicas
