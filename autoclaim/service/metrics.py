"""Prometheus metrics in text exposition format, kept in process (no extra dependency)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels
    )
    return "{" + inner + "}"


class Metrics:
    """HTTP request counters and latency histograms by route template and status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)
        self.latency_buckets: dict[tuple[tuple[str, str], ...], list[int]] = {}
        self.latency_sum: dict[tuple[tuple[str, str], ...], float] = defaultdict(float)
        self.latency_count: dict[tuple[tuple[str, str], ...], int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (("method", method), ("route", route), ("status", str(status)))
        lat_key = (("method", method), ("route", route))
        with self._lock:
            self.requests[key] += 1
            buckets = self.latency_buckets.setdefault(lat_key, [0] * len(BUCKETS))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self.latency_sum[lat_key] += seconds
            self.latency_count[lat_key] += 1

    def render(
        self, gauges: dict[str, tuple[str, dict[tuple[tuple[str, str], ...], float]]]
    ) -> str:
        """All metrics as Prometheus text; `gauges` maps name → (help, labelled values)."""
        lines = [
            "# HELP autoclaim_http_requests_total HTTP requests by route and status.",
            "# TYPE autoclaim_http_requests_total counter",
        ]
        with self._lock:
            for key, count in sorted(self.requests.items()):
                lines.append(f"autoclaim_http_requests_total{_labels(key)} {count}")
            lines += [
                "# HELP autoclaim_http_request_duration_seconds Request latency.",
                "# TYPE autoclaim_http_request_duration_seconds histogram",
            ]
            for key, buckets in sorted(self.latency_buckets.items()):
                for bound, count in zip(BUCKETS, buckets, strict=True):
                    labels = _labels((*key, ("le", str(bound))))
                    lines.append(f"autoclaim_http_request_duration_seconds_bucket{labels} {count}")
                labels = _labels((*key, ("le", "+Inf")))
                total = self.latency_count[key]
                lines.append(f"autoclaim_http_request_duration_seconds_bucket{labels} {total}")
                lines.append(
                    f"autoclaim_http_request_duration_seconds_sum{_labels(key)} "
                    f"{self.latency_sum[key]:.6f}"
                )
                lines.append(f"autoclaim_http_request_duration_seconds_count{_labels(key)} {total}")
        for name, (help_text, values) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
            for key, value in sorted(values.items()):
                lines.append(f"{name}{_labels(key)} {value:g}")
        return "\n".join(lines) + "\n"


def route_template(request: Request) -> str:
    """The matched route's path template (never the raw path: ids would explode labels)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    for candidate in request.app.router.routes:
        match, _ = candidate.matches(request.scope)
        if match == Match.FULL:
            return str(getattr(candidate, "path", "unmatched"))
    return "unmatched"


def metrics_middleware(
    metrics: Metrics,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            metrics.observe(
                request.method, route_template(request), status, time.perf_counter() - start
            )

    return middleware
