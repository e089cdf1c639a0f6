from __future__ import annotations

import math
import time

import pytest

import autoclaim.machine_speed as machine_speed
from autoclaim.machine_speed import reference_cpu_seconds


def test_reference_work_is_timed_in_cpu_seconds() -> None:
    seconds = reference_cpu_seconds(rounds=1)
    assert math.isfinite(seconds) and 0.0 < seconds < 60.0


def test_the_least_disturbed_round_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 0.5, 1.0, 1.2, 2.0, 2.4])  # rounds of 0.5, 0.2 and 0.4 CPU-s
    monkeypatch.setattr(machine_speed, "_work", lambda: None)
    monkeypatch.setattr(time, "process_time", lambda: next(clock))
    assert reference_cpu_seconds(rounds=3) == 0.2
