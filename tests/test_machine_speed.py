from __future__ import annotations

from autoclaim.machine_speed import reference_cpu_seconds


def test_reference_work_is_timed_in_cpu_seconds() -> None:
    first = reference_cpu_seconds(rounds=1)
    assert 0.01 < first < 30.0
    # The best of several runs is never slower than a single run by much (same work).
    assert reference_cpu_seconds(rounds=2) < first * 1.5
