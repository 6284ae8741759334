"""In a GPipe schedule with p stages and m micro-batches each stage is idle for a fraction (p - 1)/(m + p - 1)
of the step (the "bubble"); 1F1B (PipeDream-Flush) has the same bubble but keeps at most p micro-batches'
activations in flight per stage instead of m.

A small event simulator runs both schedules: every stage executes its own list of forward (1 time unit) and
backward (2 units) operations in order, each waiting for its input from the neighbouring stage. The idle
fraction is measured from the simulated timeline and compared with the closed form; so is the bubble
relative to the useful work, (p - 1)/m, the ratio Narayanan et al. 2021 quote.
"""

from _kit import check, check_true, main

from quiz.params_systems import pipeline_bubble_fraction, pipeline_bubble_percent

T_F, T_B = 1.0, 2.0  # backward costs about twice the forward


def gpipe_order(p: int, m: int, stage: int) -> list[tuple[str, int]]:
    """All forwards, then all backwards (in reverse micro-batch order), then the flush."""
    return [("F", i) for i in range(m)] + [("B", i) for i in reversed(range(m))]


def one_f_one_b_order(p: int, m: int, stage: int) -> list[tuple[str, int]]:
    """Warm up with p - 1 - stage forwards, then alternate one forward and one backward, then drain."""
    warm = min(p - 1 - stage, m)
    order = [("F", i) for i in range(warm)]
    f, b = warm, 0
    while f < m:
        order += [("F", f), ("B", b)]
        f, b = f + 1, b + 1
    order += [("B", i) for i in range(b, m)]
    return order


def simulate(p: int, m: int, order_fn) -> tuple[float, list[float], list[int]]:
    """Returns (makespan, busy time per stage, peak micro-batches in flight per stage)."""
    orders = [order_fn(p, m, s) for s in range(p)]
    done: dict[tuple[str, int, int], float] = {}  # (kind, micro-batch, stage) -> finish time
    pos, clock = [0] * p, [0.0] * p
    busy, in_flight, peak = [0.0] * p, [0] * p, [0] * p
    while any(pos[s] < len(orders[s]) for s in range(p)):
        progressed = False
        for s in range(p):
            if pos[s] == len(orders[s]):
                continue
            kind, i = orders[s][pos[s]]
            # forward needs the previous stage's forward; backward needs the next stage's backward
            dep = ("F", i, s - 1) if kind == "F" and s > 0 else ("B", i, s + 1) if kind == "B" and s < p - 1 else None
            if kind == "B" and s == p - 1:
                dep = ("F", i, s)
            if dep is not None and dep not in done:
                continue
            start = max(clock[s], done.get(dep, 0.0))
            cost = T_F if kind == "F" else T_B
            done[(kind, i, s)] = clock[s] = start + cost
            busy[s] += cost
            in_flight[s] += 1 if kind == "F" else -1
            peak[s] = max(peak[s], in_flight[s])
            pos[s] += 1
            progressed = True
        assert progressed, "deadlock in the schedule"
    return max(clock), busy, peak


def run(seed: int = 0, bubble_fraction=pipeline_bubble_fraction) -> list:
    del seed  # the schedule is deterministic
    checks = []
    for p, m in ((4, 4), (8, 32)):
        for label, order_fn in (("gpipe", gpipe_order), ("1f1b", one_f_one_b_order)):
            makespan, busy, peak = simulate(p, m, order_fn)
            idle = 1 - busy[0] / makespan  # every stage does the same work, so stage 0 stands for all
            checks.append(check(f"{label}_p{p}_m{m}_idle_fraction", idle, bubble_fraction(p, m), abs_tol=1e-12))
            if (p, m) == (8, 32) and label == "1f1b":
                checks.append(check_true(f"1f1b_p{p}_m{m}_in_flight_at_most_p", max(peak) <= p))
            elif (p, m) == (8, 32):
                checks.append(check(f"gpipe_p{p}_m{m}_in_flight_is_m", m, max(peak), abs_tol=0))
    makespan, busy, _ = simulate(8, 32, gpipe_order)
    checks.append(check("percent_helper_p8_m32", 100 * (1 - busy[0] / makespan), pipeline_bubble_percent(8, 32),
                        abs_tol=1e-9))
    checks.append(check("bubble_over_useful_work_p8_m32", (8 - 1) / 32, (makespan - busy[0]) / busy[0],
                        abs_tol=1e-12, note="(p - 1)/m"))
    return checks


if __name__ == "__main__":
    main(run)
