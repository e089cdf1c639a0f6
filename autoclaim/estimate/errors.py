"""Errors raised by the estimate package; the service maps them to HTTP codes."""

from __future__ import annotations


class EstimateError(Exception):
    """Base for every error raised by `autoclaim.estimate`."""


class EstimateInputError(EstimateError, ValueError):
    """An input dataclass holds a value outside its domain (the message names it)."""


class PriceBookError(EstimateError):
    """A price book file is unreadable or invalid; `location` names the bad row or key."""

    def __init__(self, location: str, problem: str, source: str | None = None) -> None:
        self.location = location
        self.problem = problem
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}price book entry {location!r}: {problem}")


class UnknownVehicleClassError(EstimateError, ValueError):
    """The claim's vehicle class has no prices in the price book."""
