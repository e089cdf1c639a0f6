"""Exact rewrites of the PP-OCR ONNX graphs that ONNX Runtime does not make itself.

The PP-OCRv4 models (exported from Paddle by paddle2onnx) spell every hard-swish as four
element-wise nodes (`x * clip(x + 3, 0, 6) / 6`) and follow most convolutions by a learnable
affine pair (`x * s + b`, scalars). On a text line those element-wise nodes cost the
recogniser about as much as its convolutions. Here they are folded away: the affine pairs
into the neighbouring convolution's weights, the hard-swish into `x * HardSigmoid(x)`. Every
rewrite is algebraically exact (outputs agree to float rounding), and it is rebuilt at load
time from the wheel's own model files, so nothing new ships with the package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper, numpy_helper


@dataclass
class _Graph:
    """The node list with the lookups the rewrites need, kept current as nodes go."""

    model: onnx.ModelProto

    def __post_init__(self) -> None:
        self.graph: onnx.GraphProto = self.model.graph
        self.consts: dict[str, np.ndarray] = {
            init.name: numpy_helper.to_array(init) for init in self.graph.initializer
        }
        for node in self.graph.node:
            if node.op_type == "Constant" and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.outputs = {out.name for out in self.graph.output}
        self.counter = 0

    def producer(self, name: str) -> onnx.NodeProto | None:
        return next((node for node in self.graph.node if name in node.output), None)

    def consumers(self, name: str) -> list[onnx.NodeProto]:
        return [node for node in self.graph.node if name in node.input]

    def only_consumer(self, name: str) -> onnx.NodeProto | None:
        """The one node reading `name`, if exactly one does and it is not a graph output."""
        users = self.consumers(name)
        return users[0] if len(users) == 1 and name not in self.outputs else None

    def feeds_only(self, name: str, node: onnx.NodeProto) -> bool:
        """`name` is read by `node` and nothing else."""
        user = self.only_consumer(name)
        return user is not None and list(user.output) == list(node.output)

    def scalar(self, name: str) -> float | None:
        value = self.consts.get(name)
        return float(value.reshape(())) if value is not None and value.size == 1 else None

    def split_scalar(self, node: onnx.NodeProto) -> tuple[str, float] | None:
        """(tensor input, scalar constant) of a binary node with one scalar constant input."""
        a, b = node.input
        if self.scalar(b) is not None and self.scalar(a) is None:
            return a, self.scalar(b)  # type: ignore[return-value]
        if self.scalar(a) is not None and self.scalar(b) is None:
            return b, self.scalar(a)  # type: ignore[return-value]
        return None

    def new_const(self, value: np.ndarray, hint: str) -> str:
        self.counter += 1
        name = f"folded_{hint}_{self.counter}"
        self.graph.initializer.append(numpy_helper.from_array(value.astype(np.float32), name))
        self.consts[name] = value.astype(np.float32)
        return name

    def remove(self, *nodes: onnx.NodeProto) -> None:
        for node in nodes:
            self.graph.node.remove(node)

    def rename_input(self, node: onnx.NodeProto, old: str, new: str) -> None:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def _hard_swish(g: _Graph) -> int:
    """`Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)` → `Mul(x, HardSigmoid(x))`."""
    done = 0
    for div in [n for n in g.graph.node if n.op_type == "Div"]:
        if g.scalar(div.input[1]) != 6.0:
            continue
        mul = g.producer(div.input[0])
        if mul is None or mul.op_type != "Mul" or not g.feeds_only(mul.output[0], div):
            continue
        for x, clip_out in (tuple(mul.input), tuple(mul.input)[::-1]):
            clip = g.producer(clip_out)
            if clip is None or clip.op_type != "Clip" or len(clip.input) != 3:
                continue
            if (g.scalar(clip.input[1]), g.scalar(clip.input[2])) != (0.0, 6.0):
                continue
            add = g.producer(clip.input[0])
            if add is None or add.op_type != "Add" or g.split_scalar(add) != (x, 3.0):
                continue
            if not (g.feeds_only(add.output[0], clip) and g.feeds_only(clip_out, mul)):
                continue
            gate = f"{div.output[0]}_gate"
            at = list(g.graph.node).index(add)
            g.remove(add, clip, mul, div)
            g.graph.node.insert(
                at, helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5)
            )
            g.graph.node.insert(at + 1, helper.make_node("Mul", [x, gate], [div.output[0]]))
            done += 1
            break
    return done


def _conv_weights(g: _Graph, conv: onnx.NodeProto) -> tuple[np.ndarray, np.ndarray] | None:
    weight = g.consts.get(conv.input[1])
    if weight is None or weight.ndim != 4:
        return None
    bias = g.consts.get(conv.input[2]) if len(conv.input) > 2 and conv.input[2] else None
    if len(conv.input) > 2 and conv.input[2] and bias is None:
        return None
    return weight, (bias if bias is not None else np.zeros(weight.shape[0], np.float32))


def _affine_after_conv(g: _Graph) -> int:
    """`Add(Mul(Conv(x), s), b)` → `Conv'(x)` with the weights scaled by s and b in the bias."""
    done = 0
    for conv in [n for n in g.graph.node if n.op_type == "Conv"]:
        wb = _conv_weights(g, conv)
        mul = g.only_consumer(conv.output[0])
        if wb is None or mul is None or mul.op_type != "Mul":
            continue
        ms = g.split_scalar(mul)
        add = g.only_consumer(mul.output[0])
        if ms is None or add is None or add.op_type != "Add":
            continue
        ab = g.split_scalar(add)
        if ab is None or ab[0] != mul.output[0]:
            continue
        (weight, bias), s, b = wb, ms[1], ab[1]
        source = conv.input[0]
        w_name, b_name = g.new_const(weight * s, "w"), g.new_const(bias * s + b, "b")
        del conv.input[:]
        conv.input.extend([source, w_name, b_name])
        conv.output[0] = add.output[0]
        g.remove(mul, add)
        done += 1
    return done


def _scaled_hard_swish(g: _Graph) -> int:
    """`Mul(Mul(y, HardSigmoid(y)), s)` with y a convolution's → the convolution scaled by s
    and `HardSigmoid` of the scaled output with alpha / s (same values, one node fewer)."""
    done = 0
    for hs in [n for n in g.graph.node if n.op_type == "HardSigmoid"]:
        y = hs.input[0]
        conv = g.producer(y)
        users = g.consumers(y)
        if conv is None or conv.op_type != "Conv" or y in g.outputs or len(users) != 2:
            continue
        mul = next((u for u in users if u.op_type == "Mul" and hs.output[0] in u.input), None)
        if mul is None or sorted(mul.input) != sorted([y, hs.output[0]]):
            continue
        scale = g.only_consumer(mul.output[0])
        if scale is None or scale.op_type != "Mul":
            continue
        split = g.split_scalar(scale)
        wb = _conv_weights(g, conv)
        if split is None or split[1] == 0.0 or wb is None:
            continue
        s = split[1]
        weight, bias = wb
        source = conv.input[0]
        del conv.input[:]
        conv.input.extend([source, g.new_const(weight * s, "w"), g.new_const(bias * s, "b")])
        for attr in hs.attribute:
            if attr.name == "alpha":
                attr.f /= s
        mul.output[0] = scale.output[0]
        g.remove(scale)
        done += 1
    return done


def _shift_before_pointwise(g: _Graph) -> int:
    """`Conv1x1(Add(x, b))` → `Conv1x1'(x)` with b times the weight sums in the bias (a 1x1
    convolution without padding sees no border, so a constant shift folds exactly)."""
    done = 0
    for add in [n for n in g.graph.node if n.op_type == "Add"]:
        split = g.split_scalar(add)
        conv = g.only_consumer(add.output[0])
        if split is None or conv is None or conv.op_type != "Conv":
            continue
        wb = _conv_weights(g, conv)
        if wb is None or wb[0].shape[2:] != (1, 1) or conv.input[0] != add.output[0]:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        if attrs.get("group", 1) != 1 or any(attrs.get("pads", [0])):
            continue
        weight, bias = wb
        source, b = split
        weight_name = conv.input[1]  # the weights stay as they are; only the bias moves
        del conv.input[:]
        conv.input.extend(
            [source, weight_name, g.new_const(bias + b * weight.sum(axis=(1, 2, 3)), "b")]
        )
        g.remove(add)
        done += 1
    return done


def simplify(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict[str, int]]:
    """A copy of `model` with the exact folds applied, and how many of each were made."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    g = _Graph(out)
    counts = {
        "hard_swish": _hard_swish(g),
        "affine_after_conv": _affine_after_conv(g),
        "scaled_hard_swish": _scaled_hard_swish(g),
        "shift_before_pointwise": _shift_before_pointwise(g),
    }
    used = {name for node in out.graph.node for name in node.input}
    for node in [n for n in out.graph.node if n.op_type == "Constant"]:
        if node.output[0] not in used:
            out.graph.node.remove(node)
    keep = [init for init in out.graph.initializer if init.name in used]
    del out.graph.initializer[:]
    out.graph.initializer.extend(keep)
    onnx.checker.check_model(out)
    return out, counts
