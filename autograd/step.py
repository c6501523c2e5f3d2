"""A per-sample compiled step: one sample's graph, written once, run over every row of a batch.

:func:`autograd.compile` compiles a whole recorded graph, so its code grows with the batch, and a
graph recorded on one batch holds that batch's data. :func:`compile_step` records the
graph of *one* sample instead, with the sample's inputs and its target as leaves, and writes
a function that loops over a batch's rows running that sample's forward and backward pass:

* parameters are read into locals once per call; their gradients are accumulated in
  locals and written to ``.grad`` once, at the end (the weights of a dot of
  :data:`WIDE_DOT` or more inputs that need no gradient, such as a 784-input first layer,
  go into one list per dot instead, and the dot runs as C-level loops over it);
* only gradients on a path to a parameter are computed (not those of inputs, targets or
  constants);
* the loop's most used locals are named first, so CPython numbers them below 256 and
  reads them without an ``EXTENDED_ARG``;
* a ``dot`` whose upstream gradient is zero is skipped with the guard eager ``backward()``
  uses (a zero gradient and a finite sum, so every skipped term would be an exact zero);
* every derivative comes from the op table's rules, read as code text
  (:class:`autograd.codegen.CodeMath`).

What is replayed. The batch loss is the mean of the per-sample losses,
``(l_0 + ... + l_{n-1}) / n`` added left to right, and the gradients are those
``backward()`` gives for ``sum_values([l_0, ..., l_{n-1}]) / n`` built eagerly: the same
arithmetic in the same order, so equal bit for bit (samples are differentiated from the
last to the first, as eager backward reaches them; a gradient that is exactly zero may
be ``-0.0`` inside, never in a parameter's ``.grad``). Each call re-reads the parameters'
``.data`` and ``.grad`` and the rows and targets it is given; a Value the model reads that
is not a parameter (made outside the recorded call) is re-read too, without a gradient.

What is not replayed. Any decision Python code takes while building the graph (an ``if``
on ``.data``, a number computed from a target) is frozen at recording time. The step
refuses such models and losses where it can see them: it records the sample twice, with
different data, and refuses when the two graphs differ. A class index reaches the graph
only as a :class:`ClassIndex`, which a loss reads with :meth:`ClassIndex.pick`; any other
use of it (``int(t)``, ``scores[t]``, ``t == 3``) is a TypeError at recording time, so the
class of the recorded sample can never be built into the code. The step does not check for
anomalies (``detect_anomaly``) and ignores ``no_grad``.
"""

from __future__ import annotations

import builtins
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import reduce
from itertools import chain, repeat
from numbers import Integral, Real
from operator import add, attrgetter, mul
from typing import Any, NoReturn, cast

from autograd.codegen import Sym, add_term, literal, namespace
from autograd.compiler import StatementMath, label_comment
from autograd.ieee import safe_div
from autograd.ops import DOT, RELU
from autograd.value import Value, topological_order

__all__ = ["compile_step", "PerSampleStep", "ClassIndex", "WIDE_DOT"]

#: A model: the inputs of one sample (leaves) to its output, one Value or a list.
Model = Callable[[list[Value]], Any]
#: A per-sample loss: (the model's output for one sample, its target) to one Value.
SampleLoss = Callable[[Any, Any], Value]


class ClassIndex:
    """The class index of one sample, as a leaf of a recorded graph.

    A loss reads it only with :meth:`pick`, which returns a leaf standing for
    ``scores[index]``; the compiled step fills it in from each row's target. Any other use
    (``int(t)``, ``scores[t]``, ``t == 3``, ``if t:``) is a TypeError: a number taken from
    the recorded sample's target would be built into the code.
    """

    __slots__ = ("_example", "_picks")

    def __init__(self, example: int) -> None:
        self._example = example
        self._picks: list[tuple[Value, tuple[Value, ...]]] = []

    def pick(self, scores: Sequence[Value | float]) -> Value:
        """Return a leaf holding ``scores[index]``; its gradient goes to that score."""
        candidates = tuple(score for score in scores if type(score) is Value)
        if len(candidates) != len(scores):
            raise TypeError("ClassIndex.pick() takes a list of Values, one score per class")
        if not 0 <= self._example < len(candidates):
            raise ValueError(
                f"class index {self._example} is out of range for {len(candidates)} classes"
            )
        picked = Value(candidates[self._example].data)
        self._picks.append((picked, candidates))
        return picked

    def __repr__(self) -> str:
        return f"ClassIndex(recorded as {self._example})"

    def _refuse(self, *args: object) -> NoReturn:
        raise TypeError(
            "a compiled step's class index is a leaf: read it with target.pick(scores), "
            "not as a number (a number would build the recorded sample's class into the code)"
        )

    __index__ = __int__ = __float__ = __bool__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __hash__ = None  # type: ignore[assignment]


class _RefusedError(ValueError):
    """A recording that worked but cannot be replayed exactly: no other reading is tried."""


class _StepMath(StatementMath):
    """:class:`StatementMath` that divides by a known non-zero number with plain ``/``.

    ``safe_div`` differs from ``/`` only for a zero divisor, and ``x / 1.0 == x`` exactly
    (nan, -0.0 and inf included): a mean over one term costs nothing per row.
    """

    def div(self, a: Any, b: Any) -> Any:
        if isinstance(b, Sym) or b == 0.0 or b != b:
            return super().div(a, b)
        if not isinstance(a, Sym):
            return safe_div(a, b)
        return a if b == 1.0 else Sym(f"({a.code} / {literal(b)})")

    def sum(self, terms: list[Any]) -> Sym:
        # A product binds tighter than +, so its parentheses only cost the parser: a big
        # layer's sums are most of the code CPython must hold while compiling it.
        return super().sum([_bare(t) for t in terms])


class _Recording:
    """One sample's graph, its leaves sorted by role."""

    def __init__(self, model: Model, loss: SampleLoss, x: Sequence[object], y: object, kind: str):
        self.inputs = [Value(v) for v in x]
        output = model(self.inputs)
        self.outputs = _output_values(output)
        self.single_output = type(output) is Value
        self.index: ClassIndex | None = None
        self.targets: list[Value] = []
        target: object
        if kind == "index":
            target = self.index = ClassIndex(int(y))  # type: ignore[call-overload]
        elif isinstance(y, (Real, Value)):
            target = Value(y.data if isinstance(y, Value) else y)
            self.targets = [target]
        else:
            self.targets = [Value(v) for v in y]  # type: ignore[attr-defined]
            target = self.targets
        root = loss(output, target)
        if type(root) is not Value:
            raise TypeError(f"the loss must return a Value, got {type(root).__name__}")
        if self.index is not None and not self.index._picks:
            raise TypeError("the loss did not read the class index with target.pick(scores)")
        self.root = root
        self.picks = [] if self.index is None else self.index._picks
        self.order: list[Value] = topological_order([root, *self.outputs])
        self.position = {id(node): i for i, node in enumerate(self.order)}
        position = self.position
        for leaf, candidates in self.picks:
            # Eager backward walks the graph with the picked score itself in the pick's
            # place: its order (so its sums) is the same for every class only when the
            # walk has met every score before the pick.
            if any(position[id(c)] > position[id(leaf)] for c in candidates):
                raise _RefusedError(
                    "the loss reads the picked score before the others (eager backward "
                    "would then add in an order that depends on the class); write it as "
                    "logsumexp(scores) - target.pick(scores), as nn.cross_entropy does"
                )
        self.parents = [[position[id(p)] for p in node.parents] for node in self.order]

    def signature(self, parameters: dict[int, int]) -> list[tuple[object, ...]]:
        """Return the graph's shape: ops, edges, leaf roles and constant values."""
        roles = self._roles(parameters)
        shape: list[tuple[object, ...]] = []
        for i, node in enumerate(self.order):
            role = roles.get(id(node))
            if role is not None:
                shape.append(role)
            elif node.op is None:
                shape.append(("leaf", id(node), math.copysign(1.0, node.data), repr(node.data)))
            else:
                parents = tuple(self.parents[i])
                shape.append((node.op.name, parents))
        return shape

    def _roles(self, parameters: dict[int, int]) -> dict[int, tuple[object, ...]]:
        roles: dict[int, tuple[object, ...]] = {}
        for node in self.order:
            if node.op is None and id(node) in parameters:
                roles[id(node)] = ("parameter", parameters[id(node)])
        for j, leaf in enumerate(self.inputs):
            roles[id(leaf)] = ("input", j)
        for j, leaf in enumerate(self.targets):
            roles[id(leaf)] = ("target", j)
        position = self.position
        for j, (leaf, candidates) in enumerate(self.picks):
            roles[id(leaf)] = ("pick", j, tuple(position[id(c)] for c in candidates))
        return roles


def _output_values(output: object) -> list[Value]:
    if type(output) is Value:
        return [output]
    if isinstance(output, (list, tuple)) and all(type(v) is Value for v in output):
        return list(output)
    raise TypeError(
        f"the model must return a Value or a list of Values, got {type(output).__name__}"
    )


class PerSampleStep:
    """One sample's forward and backward, compiled; call it on a batch of rows and targets.

    ``step(rows, targets)`` returns the batch's mean loss and adds the gradient of that mean
    to each parameter's ``.grad``, as eager ``backward()`` of the batch loss would.
    ``step.outputs`` holds each row's model output (a tuple of floats) from the last call,
    unless compiled with ``keep_outputs=False``; ``step.source`` is the generated code.
    """

    def __init__(
        self,
        model: Model,
        loss: SampleLoss,
        parameters: Sequence[Value],
        example_x: Sequence[object],
        example_y: object,
        keep_outputs: bool = True,
    ) -> None:
        self.keep_outputs = keep_outputs
        try:
            width = len(example_x)
        except TypeError:
            raise TypeError(
                f"example_x must be one sample's inputs (a list of numbers), "
                f"got {type(example_x).__name__}"
            ) from None
        unique: dict[int, Value] = {}
        for p in parameters:
            if type(p) is not Value:
                raise TypeError(f"parameters must be Values, got {type(p).__name__}")
            unique.setdefault(id(p), p)
        numbering = {key: k for k, key in enumerate(unique)}
        first, second, kind = _record_twice(model, loss, example_x, example_y, numbering)
        self.width = width
        self.kind = kind
        self.classes = len(first.picks[0][1]) if first.picks else 0
        self.target_width = len(first.targets)
        self.target_is_list = kind == "value" and not isinstance(example_y, (Real, Value))
        self.output_count = len(first.outputs)
        #: Whether the model returns one Value (its outputs are then 1-tuples) or a list.
        self.single_output = first.single_output
        shared = {id(node) for node in second.order if node.op is None}
        self._source_from(first, numbering, shared)
        names = dict(namespace(), _reduce=reduce, _add=add, _mul=mul, _repeat=repeat)
        names.update(_data=_DATA, _grad=attrgetter("grad"))
        exec(builtins.compile(self.source, "<glassgrad compiled step>", "exec"), names)
        self._run = names["step"]
        self.outputs: list[tuple[float, ...]] = []

    def _source_from(
        self, rec: _Recording, numbering: dict[int, int], shared_leaves: set[int]
    ) -> None:
        order = rec.order
        parent_lists = self._parent_lists = rec.parents
        position = {id(node): i for i, node in enumerate(order)}
        root = position[id(rec.root)]
        inputs = {
            position[id(leaf)]: j for j, leaf in enumerate(rec.inputs) if id(leaf) in position
        }
        targets = {
            position[id(leaf)]: j for j, leaf in enumerate(rec.targets) if id(leaf) in position
        }
        picks = {position[id(leaf)]: cands for leaf, cands in rec.picks}
        params = [i for i, node in enumerate(order) if node.op is None and id(node) in numbering]
        captured = [
            i
            for i, node in enumerate(order)
            if node.op is None
            and id(node) in shared_leaves
            and i not in inputs
            and i not in targets
            and i not in picks
            and id(node) not in numbering
        ]
        self.captured = tuple(order[i] for i in captured)
        special = set(inputs) | set(targets) | set(picks) | set(params) | set(captured)

        # A constant leaf (made afresh on every call, such as a bias's input 1) is written
        # as its number: the rules then drop a factor 1.0, as x * 1.0 == x exactly.
        # A node whose rule just names another value (a sum of one term, x / 1.0) or gives
        # a number is that value: no statement, no copy.
        alias: dict[int, Any] = {}

        def sym(i: int) -> Any:
            if i in alias:
                return alias[i]
            node = order[i]
            if node.op is None and i not in special:
                return node.data
            return Sym(f"v{i}")

        # Which nodes lie on a path to a parameter: only their gradients are computed.
        on_path = [False] * len(order)
        param_set = set(params)
        for i, node in enumerate(order):
            if i in picks:
                on_path[i] = any(on_path[position[id(c)]] for c in picks[i])
            elif node.op is None:
                on_path[i] = i in param_set
            else:
                on_path[i] = any(on_path[p] for p in parent_lists[i])

        # Wide dots whose inputs need no gradient (a big first layer): their weights and
        # weight gradients live in lists, and the dot runs as C-level loops over them. The
        # same arithmetic (each product, each sum left to right from -0.0, as eager's dot),
        # but a few statements instead of two per weight: unrolled, a 784-128-10 step was
        # 100,000 statements that took CPython's compiler 600 MB.
        uses: dict[int, int] = {}
        for parents in parent_lists:
            for p in parents:
                uses[p] = uses.get(p, 0) + 1
        wide: dict[int, tuple[list[int], tuple[int, ...]]] = {}
        for i, node in enumerate(order):
            parents = parent_lists[i]
            if node.op is not DOT or not on_path[i] or len(parents) < 2 * WIDE_DOT:
                continue
            half = len(parents) // 2
            weights, xs = parents[:half], tuple(parents[half:])
            if (
                all(w in param_set and uses[w] == 1 for w in weights)
                and not any(on_path[x] for x in xs)
                and not set(weights) & set(xs)
            ):
                wide[i] = (weights, xs)
        wide_weights = {w for weights, _ in wide.values() for w in weights}
        params = [i for i in params if i not in wide_weights]
        unrolled = len(params)
        spans: dict[int, tuple[int, int]] = {}
        for i, (weights, _) in wide.items():
            spans[i] = (len(params), len(params) + len(weights))
            params += weights
        self.parameters = tuple(order[i] for i in params)
        input_lists: dict[tuple[int, ...], str] = {}
        for _, xs in wide.values():
            input_lists.setdefault(xs, f"X{len(input_lists)}")
        self._wide = {i: (f"GW{i}", input_lists[xs]) for i, (_, xs) in wide.items()}

        # Scores a class index picks from keep their gradients in a list, so that a
        # contribution to the picked one (known only per row) lands in its place, in order.
        groups: dict[tuple[int, ...], int] = {}
        slot: dict[int, tuple[int, int]] = {}
        for candidates in picks.values():
            key = tuple(position[id(c)] for c in candidates)
            if key not in groups:
                groups[key] = len(groups)
                for k, c in enumerate(key):
                    if c in slot or order[c].op is None:
                        raise ValueError(
                            "compile_step picks a class's score from model outputs only, "
                            "and each score from one list"
                        )
                    slot[c] = (groups[key], k)
        pick_group = {i: groups[tuple(position[id(c)] for c in picks[i])] for i in picks}

        forward: list[str] = []
        input_names = ["_"] * self.width
        for i, j in inputs.items():
            input_names[j] = f"v{i}"
        if self.width:
            forward.append(f"{', '.join(input_names)}, = row")
        if self.kind == "index":
            forward.append("t = target")
        elif self.target_is_list:
            names = ["_"] * self.target_width
            for i, j in targets.items():
                names[j] = f"v{i}"
            forward.append(f"{', '.join(names)}, = target")
        elif targets:
            forward.append(f"v{next(iter(targets))} = target")
        built: set[str] = set()
        for i, node in enumerate(order):
            if i in picks:
                scores = ", ".join(_code(sym(position[id(c)])) for c in picks[i])
                forward.append(f"v{i} = ({scores},)[t]")
                continue
            op = node.op
            if op is None:
                continue
            if i in wide:
                xs_name = input_lists[wide[i][1]]
                if xs_name not in built:
                    built.add(xs_name)
                    items = ", ".join(_code(sym(x)) for x in wide[i][1])
                    forward.append(f"{xs_name} = [{items}]")
                forward.append(f"v{i} = _reduce(_add, map(_mul, W{i}, {xs_name}), -0.0)")
                continue
            lines: list[str] = []
            result = op.forward(_StepMath(f"v{i}", lines), *[sym(p) for p in parent_lists[i]])
            named = _NAME.fullmatch(result.code) if isinstance(result, Sym) else None
            if not isinstance(result, Sym) or (named and named.group(1) != f"v{i}"):
                alias[i] = result if named is None else Sym(named.group(1))
            elif result.code != f"v{i}":
                lines.append(f"v{i} = {result.code}{label_comment(node.label)}")
            forward += lines
        forward.append(f"add_loss({_code(sym(root))})")
        outs = ", ".join(_code(sym(position[id(v)])) for v in rec.outputs)
        if self.keep_outputs:
            forward.append(f"add_output(({outs},))")

        backward = self._backward_lines(
            order, position, root, on_path, picks, pick_group, slot, groups, sym, param_set
        )

        body = [f"        {line}" for line in forward]
        body += [f"        {line}" for line in backward]
        captured_names = "".join(f"v{i}, " for i in captured)
        header = [
            "# glassgrad compiled step: one sample's forward and backward, run for every row.",
            f"# {len(order)} nodes per sample, {len(params)} parameters; vN is node N's value,",
            "# gN its gradient, PN the parameter itself. Rows run last to first, the order",
            "# eager backward reaches them.",
            f"def step({', '.join(_ARGUMENTS)}):",
            _numbering(body),
        ]
        # Each parameter's .data and .grad read once, its .grad written once: attribute
        # reads and writes in the code cost a third of a loop over the parameters.
        if unrolled:
            header.append(
                f"    {''.join(f'P{i}, ' for i in params[:unrolled])}= parameters[:{unrolled}]"
            )
            header += [f"    v{i}, g{i} = P{i}.data, P{i}.grad" for i in params[:unrolled]]
        footer = [f"    P{i}.grad = g{i}" for i in params[:unrolled]]
        for i, (start, stop) in spans.items():
            header.append(f"    W{i} = list(map(_data, parameters[{start}:{stop}]))")
            header.append(f"    GW{i} = list(map(_grad, parameters[{start}:{stop}]))")
            footer.append(f"    for p, g in zip(parameters[{start}:{stop}], GW{i}):")
            footer.append("        p.grad = g")
        if captured:
            header.append(f"    {captured_names}= captured")
        header.append("    add_loss = losses.append")
        header.append("    add_output = outputs.append")
        header.append("    for row, target in zip(reversed(rows), reversed(targets)):")
        self.source = "\n".join(header + body + footer) + "\n"

    def _backward_lines(
        self,
        order: list[Value],
        position: dict[int, int],
        root: int,
        on_path: list[bool],
        picks: dict[int, tuple[Value, ...]],
        pick_group: dict[int, int],
        slot: dict[int, tuple[int, int]],
        groups: dict[tuple[int, ...], int],
        sym: Callable[[int], Any],
        params: set[int],
    ) -> list[str]:
        lines: list[str] = []
        for key, number in groups.items():
            if any(on_path[c] for c in key):
                lines.append(f"gc{number} = [0.0] * {len(key)}")
        holder: dict[int, str] = {}

        def add(p: int, term: str, out: list[str]) -> None:
            # Where a contribution to node p goes: a parameter's running total, a score's
            # place in its list, the picked score, or p's own variable.
            if p in params:
                out.append(f"g{p} += {_bare(Sym(term)).code}")
            elif p in slot:
                group, k = slot[p]
                out.append(f"gc{group}[{k}] += {term}")
            elif p in picks:
                out.append(f"gc{pick_group[p]}[t] += {term}")
            else:
                add_term(holder, p, term, out)

        if on_path[root]:
            if order[root].op is None:
                add(root, "seed", lines)
            else:
                holder[root] = "seed"
        parent_lists = self._parent_lists
        block = _zero_block(order, parent_lists, position, root, on_path, picks, slot, params)
        block_start = -1
        for i in range(len(order) - 1, -1, -1):
            node = order[i]
            op = node.op
            if op is None or not on_path[i]:
                continue
            if block is not None and i == block[0]:
                block_start = len(lines)
            if i in slot:
                group, k = slot[i]
                lines.append(f"g{i} = gc{group}[{k}]")
                grad = f"g{i}"
            elif i in holder:
                grad = holder[i]
            else:
                continue  # not an ancestor of the loss: eager backward never reaches it
            if i in self._wide:
                grads_name, xs_name = self._wide[i]
                value = _code(sym(i))
                lines.append(f"if {grad} != 0.0 or {value} - {value} != 0.0:")
                # Each weight's gradient plus grad times its input: d(dot)/dw_k = x_k.
                lines.append(
                    f"    {grads_name}[:] = map(_add, {grads_name}, "
                    f"map(_mul, _repeat({grad}), {xs_name}))"
                )
                continue
            parents = parent_lists[i]
            local = [
                _folded(d)
                for d in op.local_grads(
                    _StepMath(f"d{i}", lines), sym(i), *[sym(p) for p in parents]
                )
            ]
            pairs = list(zip(parents, local))
            guarded = op is DOT  # in the rule's order, weights then inputs, as eager adds
            pairs = [(p, d) for p, d in pairs if on_path[p]]
            if not pairs:
                continue
            out = lines
            if guarded:
                # The eager dot's guard: a zero upstream gradient and a finite sum mean
                # every contribution is an exact zero. Interior inputs start at 0.0 first.
                fresh = []
                for p, _ in pairs:
                    if p in params or p in slot or p in picks:
                        continue
                    current = holder.get(p)
                    if current is None and p not in fresh:
                        fresh.append(p)
                    elif current is not None and current != f"g{p}":
                        lines.append(f"g{p} = {current}")
                    holder[p] = f"g{p}"
                if fresh:
                    lines.append(" = ".join(f"g{p}" for p in fresh) + " = 0.0")
                value = _code(sym(i))
                lines.append(f"if {grad} != 0.0 or {value} - {value} != 0.0:")
                out = []
            for p, d in pairs:
                add(p, (Sym(grad) * d).code, out)
            if guarded:
                lines += [f"    {line}" for line in out]
        if block is not None and block_start >= 0:
            # The whole rest of the sample's backward below one node, skipped at once when
            # that node's gradient is zero and every value the rest multiplies is finite.
            first, values = block
            finite = " + ".join(_code(sym(k)) for k in values)
            guard = f"if {holder[first]} != 0.0 or ({finite}) * 0.0 != 0.0:"
            lines[block_start:] = [guard] + [f"    {line}" for line in lines[block_start:]]
        return lines

    def __call__(self, rows: Sequence[Sequence[object]], targets: Sequence[object]) -> float:
        """Run every row forward and backward; return the mean loss, add to ``.grad``."""
        n = len(rows)
        if n == 0 or len(targets) != n:
            raise ValueError(
                f"a compiled step needs at least one row and one target per row, "
                f"got {n} rows and {len(targets)} targets"
            )
        rows = self._checked_rows(rows)
        targets = self._checked_targets(targets)
        losses: list[float] = []
        outputs: list[tuple[float, ...]] = []
        self._run(
            rows,
            targets,
            safe_div(1.0, float(n)),
            self.parameters,
            tuple(map(_DATA, self.captured)),
            losses,
            outputs,
        )
        losses.reverse()  # computed from the last row to the first
        outputs.reverse()
        total = reduce(add, losses)  # left to right, as eager adds a batch's losses
        self.outputs = outputs
        return safe_div(total, float(n))

    def _checked_rows(self, rows: Sequence[Sequence[object]]) -> Sequence[Sequence[object]]:
        # The common case, rows of floats of the right length, is checked by C-level loops.
        try:
            fits = all(map(self.width.__eq__, map(len, rows)))
        except TypeError:
            fits = False
        if fits and _PLAIN.issuperset(map(type, chain.from_iterable(rows))):
            return rows
        return self._converted_rows(rows)

    def _converted_rows(self, rows: Sequence[Sequence[object]]) -> list[list[float]]:
        width = self.width
        for i, row in enumerate(rows):
            try:
                size = len(row)
            except TypeError:
                raise ValueError(
                    f"row {i} is a {type(row).__name__}, not a list of {width} numbers"
                ) from None
            if size != width:
                raise ValueError(
                    f"row {i} has {size} values, but the step was compiled for {width} inputs"
                )
        # Anything but floats: converted as Value() converts (or refused by it).
        checked = []
        for i, row in enumerate(rows):
            try:
                checked.append([Value(v).data for v in row])
            except TypeError as error:
                raise ValueError(f"row {i}: {error}") from None
        return checked

    def _checked_targets(self, targets: Sequence[object]) -> Sequence[object]:
        # The common cases by C-level loops: class indices as ints in range, numbers as
        # floats or ints (float(int) is what Value() stores for it).
        if not self.target_is_list:
            kinds = set(map(type, targets))
            if self.kind == "index":
                indices = cast(Sequence[int], targets)
                if kinds == {int} and min(indices) >= 0 and max(indices) < self.classes:
                    return indices
            elif kinds <= _PLAIN:
                return targets
            elif kinds <= _NUMBERS:
                try:
                    return list(map(float, targets))  # type: ignore[arg-type]
                except OverflowError:
                    pass
        if self.kind == "index":
            indices = []
            for i, t in enumerate(targets):
                if (
                    not isinstance(t, Integral)
                    or isinstance(t, bool)
                    or not 0 <= int(t) < self.classes
                ):
                    raise ValueError(
                        f"target {i} is {t!r}; the step was compiled for class indices "
                        f"0 to {self.classes - 1}"
                    )
                indices.append(int(t))
            return indices
        if not self.target_is_list:
            values = []
            for i, t in enumerate(targets):
                try:
                    values.append(Value(t).data)
                except TypeError as error:
                    raise ValueError(f"target {i}: {error}") from None
            return values
        checked = []
        for i, t in enumerate(targets):
            try:
                row = [Value(v).data for v in t]  # type: ignore[attr-defined]
            except TypeError as error:
                raise ValueError(f"target {i}: {error}") from None
            if len(row) != self.target_width:
                raise ValueError(
                    f"target {i} has {len(row)} values, but the step was compiled for "
                    f"{self.target_width}"
                )
            checked.append(row)
        return checked

    def __repr__(self) -> str:
        return (
            f"PerSampleStep({self.width} inputs, {len(self.parameters)} parameters, "
            f"{self.kind} targets)"
        )


_PLAIN = {float}
_NUMBERS = {float, int}
_DATA = attrgetter("data")

#: Inputs from which a dot that passes no gradient to its inputs runs as C-level loops.
WIDE_DOT = 256

#: Ops whose local derivatives are finite wherever their value is (a relu's always are):
#: with a zero upstream gradient, each of their contributions is an exact zero.
_FINITE_RULES = {"add", "mul", "dot", "relu", "sum"}


def _zero_block(
    order: list[Value],
    parent_lists: list[list[int]],
    position: dict[int, int],
    root: int,
    on_path: list[bool],
    picks: dict[int, tuple[Value, ...]],
    slot: dict[int, tuple[int, int]],
    params: set[int],
) -> tuple[int, list[int]] | None:
    """Return the first node below a relu that the rest of a sample's backward flows through.

    Returns ``(node, values)``: every gradient below ``node`` comes through it, and when
    its gradient is zero and ``values`` are finite, every contribution below is an exact
    zero: eager backward adds zeros to interior gradients and skips every ``dot`` (its
    guard), which are the only ops below that reach a parameter. Skipping it all is exact.
    """
    reached = {root}
    processed: list[int] = []
    bottlenecks: list[int] = []
    frontier = {root}
    for i in range(len(order) - 1, -1, -1):
        node = order[i]
        if node.op is None or not on_path[i] or i not in reached:
            continue
        if frontier == {i}:
            bottlenecks.append(len(processed))
        processed.append(i)
        frontier.discard(i)
        for p in parent_lists[i]:
            if not on_path[p]:
                continue
            targets = [position[id(c)] for c in picks[p]] if p in picks else [p]
            for q in targets:
                reached.add(q)
                if order[q].op is not None:
                    frontier.add(q)
    fine = [False] * (len(processed) + 1)
    fine[len(processed)] = True
    for k in range(len(processed) - 1, -1, -1):
        i = processed[k]
        op = order[i].op
        assert op is not None
        parents = parent_lists[i]
        ok = (
            op.name in _FINITE_RULES
            and i not in slot
            and not any(p in picks for p in parents)
            and (op.name == "dot" or not any(p in params for p in parents))
        )
        fine[k] = ok and fine[k + 1]
    # The first such node below a relu: a relu is where a gradient becomes zero.
    relus = [k for k, i in enumerate(processed) if order[i].op is RELU]
    for k in bottlenecks:
        if relus and k > relus[0] and fine[k]:
            values = [i for i in processed[k:] if order[i].op is not RELU]
            return processed[k], values
    return None


#: The locals a step's loop may use (generated names, loop variables), and its arguments.
_LOCAL = re.compile(r"\b(?:[vgd]\d+\w*|gc\d+|t|row|target|add_loss|add_output)\b")
_ARGUMENTS = (
    "rows",
    "targets",
    "seed",
    "parameters",
    "captured",
    "losses",
    "outputs",
)


def _numbering(loop: list[str]) -> str:
    """Return a statement naming the loop's most used locals first, so they number below 256.

    CPython numbers a function's locals in the order it first meets them, and an
    instruction that reads or writes a local numbered past 255 needs an ``EXTENDED_ARG``
    in front: one more instruction on each use. A step has a local per node and per
    parameter, often more than 256; those its loop uses most (a layer's activations and
    their gradients, read once per neuron of the next layer) are named here first.
    Measured: 10% off the demo's loop, 12% off the digits'. The statement runs once per
    call and computes nothing.
    """
    counts = Counter(name for line in loop for name in _LOCAL.findall(line.split("#", 1)[0]))
    first = [name for name, _ in counts.most_common(256 - len(_ARGUMENTS))]
    return "    " + " = ".join([*first, "None"]) if first else "    pass"


#: Code that only names a variable, in parentheses or not.
_NAME = re.compile(r"\(?([vgd]\d+(?:_\w+)?)\)?")

#: What a derivative's code may read per row; code reading none of it is a constant.
_READS_ROW = re.compile(r"\b[vgd]\d+|\bseed\b|\bt\b")


#: A product of two names or numbers, in parentheses.
_PRODUCT = re.compile(r"\(([\w.]+ \* [\w.]+)\)")


def _bare(term: Any) -> Any:
    """Return a parenthesized product of two names without its parentheses.

    Only where it stands alone (a term of a sum, the right side of ``+=``): ``a * b + c``
    and ``g += a * b`` compute exactly what the parenthesized forms do.
    """
    if isinstance(term, Sym) and (match := _PRODUCT.fullmatch(term.code)):
        return Sym(match.group(1))
    return term


def _folded(local: Any) -> Any:
    """Return a local derivative that reads nothing of a row as its number, computed once."""
    if isinstance(local, Sym) and not _READS_ROW.search(local.code):
        value = eval(local.code, namespace())  # code from the op table's rules only
        return float(value)
    return local


def _code(x: Any) -> str:
    return x.code if isinstance(x, Sym) else literal(x)


def _record_twice(
    model: Model,
    loss: SampleLoss,
    x: Sequence[object],
    y: object,
    numbering: dict[int, int],
) -> tuple[_Recording, _Recording, str]:
    """Record the sample, then again with other data; refuse if the two graphs differ."""
    kinds = ["index", "value"] if isinstance(y, Integral) and not isinstance(y, bool) else ["value"]
    failures = []
    for kind in kinds:
        try:
            first = _Recording(model, loss, x, y, kind)
        except _RefusedError:
            raise
        except (TypeError, ValueError, AttributeError) as error:
            failures.append(f"as a {'class index' if kind == 'index' else 'number'}: {error}")
            continue
        break
    else:
        raise ValueError(
            "compile_step could not record the example sample with its target as a leaf ("
            + "; ".join(failures)
            + "). A loss reads a class index with target.pick(scores), a number target as a Value"
        )
    other_x = [_other(v) for v in x]
    if kind == "index":
        classes = len(first.picks[0][1])
        others: list[object] = [(int(y) + 1) % classes]  # type: ignore[call-overload]
    elif isinstance(y, (Real, Value)):
        # Another number, or the label's opposite for a loss that takes only some (±1).
        number = Value(y.data if isinstance(y, Value) else y).data
        others = [_other(number), -number, number]
    else:
        others = [[_other(v) for v in y], y]  # type: ignore[attr-defined]
    for other_y in others:
        try:
            second = _Recording(model, loss, other_x, other_y, kind)
        except (TypeError, ValueError):
            if other_y is others[-1]:
                raise
            continue
        break
    ours = {id(node) for node in first.order if node.op is not None}
    if any(id(node) in ours for node in second.order if node.op is not None):
        raise ValueError(
            "the model or loss reuses a computed node across calls; compile_step replays "
            "one sample at a time, so every node of a sample must be made by its call"
        )
    a, b = first.signature(numbering), second.signature(numbering)
    if len(a) != len(b) or any(_differ(u, v) for u, v in zip(a, b)):
        raise ValueError(
            "the graph of a sample depends on its data (recorded twice with different inputs "
            "and targets, the two graphs differ): compile_step replays one graph, so inputs "
            "and targets must reach it only as leaves. Avoid Python decisions on .data and "
            "numbers taken from a target; read a class index with target.pick(scores)"
        )
    return first, second, kind


def _differ(u: tuple[object, ...], v: tuple[object, ...]) -> bool:
    if u[0] == "leaf" and v[0] == "leaf":
        # The same Value in both recordings (captured) or equal constants made afresh.
        return u[1] != v[1] and u[2:] != v[2:]
    return u != v


def _other(v: object) -> float:
    x = Value(v).data
    return -x - 0.5 if x == x else 0.5


def compile_step(
    model: Model,
    loss: SampleLoss,
    parameters: Sequence[Value],
    example_x: Sequence[object],
    example_y: object,
    *,
    keep_outputs: bool = True,
) -> PerSampleStep:
    """Return a :class:`PerSampleStep`: ``loss(model(x), y)`` compiled for one sample.

    ``model`` maps a list of input leaves to a Value or a list of Values; ``loss`` maps that
    output and a target to one Value. A number target (or a list of numbers) becomes leaves;
    an int target is tried first as a :class:`ClassIndex` (for a loss that reads it with
    ``target.pick(scores)``, as ``nn.cross_entropy`` does), then as a number. Gradients are
    computed for ``parameters`` only. ``step(rows, targets)`` returns the batch's mean loss
    and adds its gradient to the parameters' ``.grad``, equal bit for bit to eager
    ``backward()`` of that mean. ``keep_outputs=False`` leaves ``step.outputs`` empty
    (each row's model output is then not kept, a little faster).
    """
    return PerSampleStep(model, loss, parameters, example_x, example_y, keep_outputs)
