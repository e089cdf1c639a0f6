"""A photo assessor that takes its time, so a test can kill its worker mid-task."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from tests.service.doubles import StatsAssessor

DELAY_ENV = "AUTOCLAIM_TEST_ASSESS_DELAY"


class DelayedStatsAssessor(StatsAssessor):
    """`StatsAssessor` after sleeping `$AUTOCLAIM_TEST_ASSESS_DELAY` seconds per batch."""

    def assess(self, images: Sequence[bytes]) -> list[dict[str, Any]]:
        time.sleep(float(os.environ.get(DELAY_ENV, "0")))
        return super().assess(images)
