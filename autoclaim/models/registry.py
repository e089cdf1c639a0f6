"""Architectures built by name; unknown or duplicate names fail loudly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

F = TypeVar("F", bound=Callable[..., nn.Module])

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}


class RegistryError(KeyError):
    """An architecture name that is unknown or registered twice."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def register_model(name: str) -> Callable[[F], F]:
    """Decorator: make `fn(**kwargs) -> nn.Module` buildable as `build_model(name)`."""

    def decorate(fn: F) -> F:
        if name in _REGISTRY:
            raise RegistryError(f"architecture {name!r} is already registered")
        _REGISTRY[name] = fn
        return fn

    return decorate


def _register_builtin() -> None:
    """Import the shipped architectures (they register themselves on import)."""
    from autoclaim.models import damage_net  # noqa: F401


def build_model(name: str, **kwargs: Any) -> nn.Module:
    """Build a registered architecture."""
    _register_builtin()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise RegistryError(f"unknown architecture {name!r} (known: {known})") from None
    return factory(**kwargs)


def available_models() -> list[str]:
    """Names of the registered architectures."""
    _register_builtin()
    return sorted(_REGISTRY)
