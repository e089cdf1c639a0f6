"""The weight average used by training: a decayed mean of the weights, resumable."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from autoclaim.models.weight_average import WeightAverage


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def test_average_follows_the_weights_with_its_decay() -> None:
    model = _model()
    average = WeightAverage(model, decay=0.5)
    start = model[0].weight.detach().clone()
    with torch.no_grad():
        model[0].weight.add_(1.0)
    average.update(model)
    d = min(0.5, 2 / 11)
    expected = d * start + (1 - d) * (start + 1.0)
    assert torch.allclose(average.state["0.weight"], expected)
    # The integer step counter of BatchNorm is copied, not averaged.
    model(torch.randn(4, 2))
    average.update(model)
    assert int(average.state["1.num_batches_tracked"]) == 1


def test_copy_to_loads_the_average_and_state_round_trips() -> None:
    model = _model()
    average = WeightAverage(model, decay=0.9)
    for _ in range(5):
        with torch.no_grad():
            model[0].weight.mul_(2.0)
        average.update(model)
    restored = WeightAverage(_model(), decay=0.9)
    restored.load_state_dict(average.state_dict())
    assert restored.updates == 5
    target = _model()
    restored.copy_to(target)
    assert torch.equal(target[0].weight, average.state["0.weight"])
    assert not torch.equal(target[0].weight, model[0].weight)


def test_decay_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(_model(), decay=1.0)
