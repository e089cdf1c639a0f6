"""The multi-task damage network: one backbone, heads for parts, damage types, severity
(ordinal, cumulative logits) and per-class region maps supervised by boxes and polygons."""

from __future__ import annotations

import torch
from torch import nn

from autoclaim.models.efficientnet_lite import EfficientNetLite, StageSpec
from autoclaim.models.registry import register_model


class DamageNet(nn.Module):
    """Outputs logits; calibration and thresholds are applied by the inference post-processor."""

    def __init__(
        self,
        backbone: nn.Module,
        feature_channels: int,
        num_parts: int = 7,
        num_damage_types: int = 3,
        num_severities: int = 3,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.backbone = backbone
        self.dropout = nn.Dropout(dropout)
        self.parts_head = nn.Linear(feature_channels, num_parts)
        self.types_head = nn.Linear(feature_channels, num_damage_types)
        # Ordinal severity: logit k answers "is the severity worse than class k?"
        self.severity_head = nn.Linear(feature_channels, num_severities - 1)
        self.region_head = nn.Conv2d(feature_channels, num_parts + num_damage_types, 1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        fmap = self.backbone(x)
        pooled = fmap.mean(dim=(2, 3))
        dropped = self.dropout(pooled)
        return {
            "parts": self.parts_head(dropped),
            "damage_types": self.types_head(dropped),
            "severity": self.severity_head(dropped),
            "regions": self.region_head(fmap),
            "features": pooled,
        }


@register_model("damage_efficientnet_lite0")
def damage_efficientnet_lite0(**kwargs: int | float) -> DamageNet:
    """EfficientNet-Lite0 backbone with the damage heads."""
    backbone = EfficientNetLite()
    return DamageNet(backbone, EfficientNetLite.out_channels, **kwargs)  # type: ignore[arg-type]


TINY_STAGES: tuple[StageSpec, ...] = (
    StageSpec(1, 3, 1, 1, 32, 8),
    StageSpec(1, 3, 2, 2, 8, 16),
    StageSpec(1, 3, 2, 2, 16, 16),
)


class _TinyBackbone(EfficientNetLite):
    """A few-thousand-parameter stand-in for unit tests (same code paths, seconds to run)."""

    out_channels = 1280

    def __init__(self) -> None:
        super().__init__(TINY_STAGES)


@register_model("damage_tiny")
def damage_tiny(**kwargs: int | float) -> DamageNet:
    """Tiny network for tests: stride 8 instead of 32, random weights."""
    backbone = _TinyBackbone()
    return DamageNet(backbone, _TinyBackbone.out_channels, **kwargs)  # type: ignore[arg-type]
