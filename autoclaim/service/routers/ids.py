"""Path parameters shared by the routers, with the examples OpenAPI shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

ClaimId = Annotated[
    str, Path(description="A claim's id.", examples=["9b1deb4d3b7d4bad9bdd2b0d7b3dcb6d"])
]
PhotoId = Annotated[
    str, Path(description="A photo's id.", examples=["1c6f0e2a4b5d4c7e8f9a0b1c2d3e4f5a"])
]
DocumentId = Annotated[
    str, Path(description="A document's id.", examples=["7e57d004c2f14c8a9b2b9f1e3d4c5b6a"])
]
SubscriptionId = Annotated[
    str,
    Path(description="A webhook subscription's id.", examples=["5d41402abc4b2a76b9719d911017c592"]),
]
