"""A tiny reverse-mode automatic differentiation engine on scalars.

Every operation on a `Value` returns a new Value that remembers its inputs (`parents`) and a
closure that, given the gradient of the output, *adds* upstream x local derivative into each
input's `.grad`. `backward()` runs those closures in reverse topological order, so a node passes
its gradient on only after it has received the contributions of every path through it.

    x = Value(2.0)
    y = x * x + x.sin()
    y.backward()
    x.grad            # 2 x + cos(x) = 3.5838...

Grads accumulate: to differentiate again, build a new graph (or reset every `.grad` to 0).
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["Value", "draw_graph", "topological_order"]


class Value:
    """A scalar that remembers how it was computed.

    data: the number (a Python float)
    grad: d root / d self after root.backward(); 0.0 before
    parents: the Values this one was computed from; op: the operation's name
    """

    def __init__(self, data: float, parents: tuple[Value, ...] = (), op: str = ""):
        if isinstance(data, Value) or not isinstance(data, Real):
            raise TypeError(f"Value: data must be a real number, got {type(data).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.op = op
        self._backward = lambda: None

    # -- primitive operations: forward value and local derivatives ---------------------------
    def __add__(self, other: Value | float) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        """self ** k for a constant exponent k (not a Value)."""
        if not isinstance(k, Real):
            return NotImplemented
        out = Value(self.data**k, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, value: float, local: float, op: str) -> Value:
        """A function of self alone, with its local derivative d value / d self."""
        out = Value(value, (self,), op)

        def _backward():
            self.grad += local * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def sin(self) -> Value:
        return self._unary(math.sin(self.data), math.cos(self.data), "sin")

    def cos(self) -> Value:
        return self._unary(math.cos(self.data), -math.sin(self.data), "cos")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def relu(self) -> Value:
        """max(self, 0); the derivative at exactly 0 is taken as 0."""
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    # -- everything else is built from the primitives ----------------------------------------
    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-other)

    def __truediv__(self, other: Value | float) -> Value:
        other = _lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self * other**-1.0

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return (-self) + other

    def __rtruediv__(self, other: float) -> Value:
        return self**-1.0 * other

    # -- reverse mode -----------------------------------------------------------------------
    def backward(self) -> None:
        """Set self.grad = 1 and add d self / d node into every node's .grad below it."""
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            node._backward()

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


def _lift(other: Value | float) -> Value:
    """other as a Value (a constant leaf), or NotImplemented when it is not a number."""
    if isinstance(other, Value):
        return other
    if isinstance(other, Real):
        return Value(other)
    return NotImplemented


def topological_order(root: Value) -> list[Value]:
    """Every node root depends on, each after all of its parents; root comes last.

    Iterative depth-first search, so long chains do not hit Python's recursion limit.
    """
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def draw_graph(root: Value, ax=None):
    """Draw the graph of `root` left to right: one box per node with its op, data and grad.

    An operation's column is the length of the longest chain of operations leading to it; a
    leaf (yellow) sits one column before the first operation that uses it. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    order = topological_order(root)
    column: dict[int, int] = {}
    for node in order:
        if node.parents:
            column[id(node)] = 1 + max((column.get(id(p), 0) for p in node.parents if p.parents),
                                       default=0)
    for node in reversed(order):  # consumers come later in `order`: visit them first
        for p in node.parents:
            if not p.parents:
                column[id(p)] = min(column.get(id(p), column[id(node)] - 1), column[id(node)] - 1)
    rows: dict[int, int] = {}
    pos = {}
    for node in sorted(order, key=lambda n: not n.parents):  # operations on the top row
        c = column[id(node)]
        pos[id(node)] = (c, rows.get(c, 0))
        rows[c] = rows.get(c, 0) + 1
    n_cols, n_rows = max(rows) + 1, max(rows.values())
    if ax is None:
        _, ax = plt.subplots(figsize=(min(1.15 * n_cols + 0.5, 18), 1.0 * n_rows + 0.8),
                             layout="constrained")
    for node in order:
        x, y = pos[id(node)]
        for p in node.parents:
            ax.annotate("", xy=(x, y), xytext=pos[id(p)],
                        arrowprops={"arrowstyle": "->", "color": "0.5", "shrinkA": 22,
                                    "shrinkB": 22})
        label = f"{node.op or 'leaf'}\ndata {node.data:.3g}\ngrad {node.grad:.3g}"
        ax.text(x, y, label, ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round", "facecolor": "#56B4E9" if node.op else "#F0E442",
                      "edgecolor": "0.3"})
    ax.set(xlim=(-0.6, n_cols - 0.4), ylim=(n_rows - 0.4, -0.6),
           title="Computational graph (leaves in yellow), with each node's data and gradient")
    ax.axis("off")
    return ax
