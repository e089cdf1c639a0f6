"""Server-rendered HTML pages over the claim API: claimant pages (report, upload, progress)
and adjuster pages (queue, workbench). Jinja2 templates and one CSS and one JS file live in
this package; no build step. JavaScript only enhances (live override totals, auto-refresh)."""

from __future__ import annotations

from fastapi import APIRouter

from autoclaim.service.pages import adjuster, claimant, common

router = APIRouter(include_in_schema=False)
router.include_router(common.router)
router.include_router(claimant.router)
router.include_router(adjuster.router)

__all__ = ["router"]
