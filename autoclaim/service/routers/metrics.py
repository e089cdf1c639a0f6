"""`/metrics` in Prometheus text format: requests, latency, work queue, worker counts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from autoclaim.service.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request, store: StoreDep) -> str:
    """Prometheus exposition (text/plain; version 0.0.4)."""
    state = request.app.state
    depth = store.queue_depth()
    worker = state.worker
    dispatcher = state.dispatcher
    gauges = {
        "autoclaim_work_items": (
            "Persisted work items by status.",
            {
                (("status", s),): float(depth.get(s, 0))
                for s in ("queued", "running", "done", "failed")
            },
        ),
        "autoclaim_worker_items_processed": (
            "Work items this process completed.",
            {(): float(worker.processed if worker else 0)},
        ),
        "autoclaim_worker_items_failed": (
            "Work items this process gave up on.",
            {(): float(worker.failed if worker else 0)},
        ),
        "autoclaim_webhook_deliveries": (
            "Webhook deliveries this process made or failed.",
            {
                (("result", "delivered"),): float(dispatcher.delivered if dispatcher else 0),
                (("result", "failed_attempt"),): float(
                    dispatcher.failed_attempts if dispatcher else 0
                ),
            },
        ),
    }
    text: str = state.metrics.render(gauges)
    return text
