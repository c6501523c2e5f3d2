"""What a person calls each node of a graph, and which layer and neuron it belongs to.

Drawings and the explorer name nodes the way a learner would, never by a bare op symbol:

* a labelled node by its label, in short form for an ``nn`` parameter
  (``layers.0.neurons.3.w.1`` is ``L0.N3.w1``); :func:`full_name` gives the whole label;
* a constant (an unlabelled leaf) by its value, or by what it is in a loss of ``nn``
  (``target 0`` for a target subtracted by ``mse_loss``/``mae_loss``, ``count 3`` for the
  divisor of a mean);
* any other node by what it computes from its inputs' names (``x·w``, ``a + b``,
  ``tanh(n)``, ``mean of 3``), or by a short generated name (``v12``, from its position)
  when that would be long.

:func:`node_groups` finds the neurons of a graph built by ``nn``: each fused ``Σ w·x`` node
whose last input is a constant 1 (the bias trick) is a neuron, grouped with its weights,
bias, that constant and its activation; neurons that read the same inputs form a layer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from autograd.value import Value

__all__ = [
    "label_of",
    "display_names",
    "full_name",
    "short_label",
    "is_constant",
    "input_roles",
    "format_constant",
    "node_groups",
    "NodeGroups",
    "LayerGroup",
    "NeuronGroup",
    "MAX_NAME_LENGTH",
    "ACTIVATION_OPS",
]

#: A name built from the inputs' names is used only up to this many characters; a longer
#: one gives way to a generated name (``v12``).
MAX_NAME_LENGTH = 20

#: Ops that act as a neuron's activation when they are the only use of its ``Σ w·x``.
ACTIVATION_OPS = frozenset({"relu", "tanh", "sigmoid"})

# How tightly a built name binds, to decide where its uses need parentheses.
_ATOM = 4  # a label, a call like tanh(n)
_GENERATED = 5  # a generated name (v12): binds like an atom
_POWER = 3
_PRODUCT = 2
_SUM = 1

# An nn parameter's dotted path: pairs like ``layers.0`` are shortened to ``L0``.
_SHORT_SEGMENTS = {"layers": "L", "neurons": "N", "w": "w"}
_IDENTIFIER_OR_INDEX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")
_NEURON_INDEX = re.compile(r"(?:^|\.)neurons\.([0-9]+)\.b$")
_LAYER_INDEX = re.compile(r"(?:^|\.)layers\.([0-9]+)\.")
_NEURON_PREFIX = re.compile(r"(?:.*\.)?neurons\.[0-9]+")


# --- single nodes --------------------------------------------------------------------


def is_constant(node: Value) -> bool:
    """Return whether ``node`` is a constant: an unlabelled leaf (a number in an expression).

    Parameters and inputs carry labels (``nn`` labels every parameter); a bare number such
    as the ``3`` of ``x * 3``, a target or a neuron's bias input ``1`` does not. Drawings show
    constants small and plain, and backward steps skip them unless asked.
    """
    return node.op is None and not node.label


def label_of(node: Value) -> str:
    """Return the node's label as text: a label set to something else later (``v.label =
    5``) is shown as ``str()`` of it; ``Value(label=5)`` itself is a TypeError."""
    label = node.label
    return label if type(label) is str else str(label)


def short_label(label: str) -> str:
    """Return the short form of a dotted parameter name: ``layers.0.neurons.3.w.1`` → ``L0.N3.w1``.

    Each ``layers.K``, ``neurons.K`` and ``w.K`` pair becomes ``LK``, ``NK``, ``wK``; other
    parts are kept. A label that is not a dotted path of names and indices is kept whole.
    """
    parts = label.split(".")
    if len(parts) < 2 or not all(_IDENTIFIER_OR_INDEX.fullmatch(part) for part in parts):
        return label
    short: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in _SHORT_SEGMENTS and following.isdigit():
            short.append(_SHORT_SEGMENTS[part] + following)
            index += 2
        else:
            short.append(part)
            index += 1
    return ".".join(short)


def full_name(node: Value) -> str:
    """Return a node's full name for tooltips: its whole label, or what it is.

    A labelled node gives its label (``layers.0.neurons.3.w.1``); a constant
    ``constant 0.5``; any other node ``result of <op>``.
    """
    if label_of(node):
        return label_of(node)
    if node.op is None:
        return f"constant {node.data!r}"
    return f"result of {node.op.name}"


def input_roles(node: Value) -> tuple[str, ...]:
    """Return the role of each input of ``node`` from its op's record, ``''`` where none.

    ``a / b`` gives ``("numerator", "denominator")``; a ``Σ w·x`` of two pairs gives
    ``("weight 1", "weight 2", "input 1", "input 2")``, and for a neuron's sum (whose last
    input is a constant 1) the last weight is ``"bias"``; ``a + b`` gives ``("", "")``.
    """
    op = node.op
    if op is None:
        return ()
    count = len(node.parents)
    roles = op.roles
    if not roles:
        return ("",) * count
    if op.arity is not None:
        return roles
    block = count // len(roles)
    named = [f"{role} {number}" for role in roles for number in range(1, block + 1)]
    if _neuron_call(node) is not None:  # nn's bias trick: the last pair is b times 1
        named[block - 1] = "bias"
        named[-1] = "bias's input 1"
    return tuple(named)


def format_constant(x: float) -> str:
    """Return a constant's value as its name: up to 4 significant digits (``0.001``, ``-3``)."""
    if math.isnan(x) or math.isinf(x):
        return repr(x)
    return f"{x:.4g}"


# --- names for a whole graph -----------------------------------------------------------


def display_names(order: Sequence[Value], *, groups: NodeGroups | None = None) -> dict[Value, str]:
    """Return one short display name per node of ``order`` (a topological order).

    A label wins (short form for ``nn`` parameters); a constant is named by its value or its
    part in an ``nn`` loss; a neuron's output (found by :func:`node_groups`) after the neuron
    (``L0.N3``), and the sum under its activation ``L0.N3.sum``; any other node by what it
    computes from its inputs' names, or ``v`` and its position in ``order`` when that would
    pass :data:`MAX_NAME_LENGTH` characters or repeat a name already given. Only labels and
    constants can share a name.
    """
    position = {node: index for index, node in enumerate(order)}
    names: dict[Value, str] = {}
    binding: dict[Value, int] = {}
    taken = {short_label(label_of(node)) for node in order if label_of(node)}
    constants = _constant_names(order)
    neuron_nodes = _neuron_node_names(node_groups(order) if groups is None else groups)
    for node in order:
        if label_of(node):
            names[node] = short_label(label_of(node))
            binding[node] = _ATOM
            continue
        if node.op is None:
            names[node] = constants.get(node) or format_constant(node.data)
            # "-3" needs parentheses as a base: (-3)**2
            binding[node] = _ATOM if node in constants or not _negative(node.data) else _PRODUCT
            continue
        built = neuron_nodes.get(node) or _built_name(node, names, binding, constants)
        name, strength = built if isinstance(built, tuple) else (built, _ATOM)
        if len(name) > MAX_NAME_LENGTH or name in taken:
            name, strength = _generated_name(position[node], taken), _GENERATED
        taken.add(name)
        names[node] = name
        binding[node] = strength
    return names


def _negative(x: float) -> bool:
    return math.copysign(1.0, x) < 0


def _generated_name(position: int, taken: set[str]) -> str:
    name = f"v{position}"
    while name in taken:
        name += "'"
    return name


def _built_name(
    node: Value,
    names: Mapping[Value, str],
    binding: Mapping[Value, int],
    constants: Mapping[Value, str],
) -> tuple[str, int]:
    """Name ``node`` by what it computes; return the name and how tightly it binds."""
    op = node.op
    assert op is not None  # leaves are named before this
    parents = node.parents
    if any(parent not in names for parent in parents):
        return "", _ATOM  # an input outside the given order: too little to go on

    def operand(parent: Value, tighter_than: int) -> str:
        name = names[parent]
        return f"({name})" if binding[parent] <= tighter_than else name

    name = op.name
    if name == "add":
        left, right = parents
        negated = _negated(right)
        if negated is not None and negated in names:
            return f"{operand(left, _SUM - 1)} - {operand(negated, _SUM)}", _SUM
        if right in constants and constants[right].startswith("target"):
            return f"{operand(left, _SUM - 1)} - target", _SUM
        if is_constant(right) and _negative(right.data) and not math.isnan(right.data):
            return f"{operand(left, _SUM - 1)} - {format_constant(-right.data)}", _SUM
        return f"{operand(left, _SUM - 1)} + {operand(right, _SUM - 1)}", _SUM
    if name == "mul":
        left, right = parents
        if is_constant(right) and right.data == -1.0:
            return f"-{operand(left, _PRODUCT)}", _PRODUCT
        if is_constant(left) and left.data == -1.0:
            return f"-{operand(right, _PRODUCT)}", _PRODUCT
        return f"{operand(left, _PRODUCT - 1)}·{operand(right, _PRODUCT - 1)}", _PRODUCT
    if name == "div":
        numerator, denominator = parents
        if denominator in constants and constants[denominator].startswith("count"):
            return f"mean of {len(numerator.parents)}", _ATOM
        return f"{operand(numerator, _PRODUCT - 1)} / {operand(denominator, _PRODUCT)}", _PRODUCT
    if name in ("pow", "pow_const"):
        base, exponent = parents
        return f"{operand(base, _POWER)}**{operand(exponent, _POWER - 1)}", _POWER
    if name == "dot":
        half = len(parents) // 2
        products = [
            f"{operand(w, _PRODUCT - 1)}·{operand(x, _PRODUCT - 1)}"
            for w, x in zip(parents[:half], parents[half:])
        ]
        if half == 1:
            return products[0], _PRODUCT
        for written in (" + ".join(products), f"{products[0]} + …"):
            if len(written) <= MAX_NAME_LENGTH:
                return written, _SUM
        return f"dot of {half}", _ATOM
    if name == "sum":
        label = "Σ"
    elif name == "shift":
        label = "max"
    else:
        label = name
    if len(parents) == 1:
        return f"{label}({names[parents[0]]})", _ATOM
    listed = f"{label}({', '.join(names[parent] for parent in parents)})"
    # A list of generated names (Σ(v12, v25)) says less than a count.
    readable = not any(binding[parent] == _GENERATED for parent in parents)
    if len(parents) <= 3 and len(listed) <= MAX_NAME_LENGTH and readable:
        return listed, _ATOM
    return f"{label} of {len(parents)}", _ATOM


def _negated(node: Value) -> Value | None:
    """Return ``b`` when ``node`` is an unlabelled ``b * -1`` (how ``a - b`` is recorded)."""
    if label_of(node) or node.op is None or node.op.name != "mul":
        return None
    left, right = node.parents
    if is_constant(right) and right.data == -1.0:
        return left
    return None


def _constant_names(order: Sequence[Value]) -> dict[Value, str]:
    """Name the constants ``nn``'s losses make: a mean's divisor and subtracted targets.

    A mean is ``Σ(terms) / n`` with ``n`` the number of terms: ``n`` is ``count n``. Its
    terms ``(p - t)**2`` (``mse_loss``) and ``relu(p - t) + relu(-(p - t))`` (``mae_loss``)
    record ``p - t`` as ``p + (-t)``: that constant ``-t`` is ``target t``.
    """
    names: dict[Value, str] = {}
    for node in order:
        op = node.op
        if op is None or op.name != "div":
            continue
        total, divisor = node.parents
        if not is_constant(divisor) or total.op is None or total.op.name != "sum":
            continue
        terms = total.parents
        if divisor.data != len(terms):
            continue
        names[divisor] = f"count {len(terms)}"
        for term in terms:
            target = _subtracted_target(term)
            if target is not None:
                names[target] = f"target {format_constant(-target.data + 0.0)}"
    return names


def _subtracted_target(term: Value) -> Value | None:
    """Return the constant ``-t`` of an ``mse_loss`` or ``mae_loss`` term, if it is one."""
    if label_of(term) or term.op is None:
        return None
    difference: Value | None = None
    if term.op.name == "pow_const" and term.parents[1].data == 2.0:
        difference = term.parents[0]
    elif term.op.name == "add":
        first = term.parents[0]
        if first.op is not None and first.op.name == "relu":
            difference = first.parents[0]
    if difference is None or difference.op is None or difference.op.name != "add":
        return None
    constant = difference.parents[1]
    return constant if is_constant(constant) else None


def _neuron_node_names(groups: NodeGroups) -> dict[Value, str]:
    """Name a neuron's output after it (``L0.N3``) and the sum under an activation ``L0.N3.sum``.

    A neuron called on several samples numbers them: ``L0.N3[0]``, ``L0.N3.sum[1]``.
    """
    names: dict[Value, str] = {}
    for neuron in groups.neurons:
        several = len(neuron.sums) > 1
        for call, (total, output) in enumerate(zip(neuron.sums, neuron.outputs)):
            suffix = f"[{call}]" if several else ""
            names[output] = neuron.name + suffix
            if total is not output:
                names[total] = f"{neuron.name}.sum{suffix}"
    return names


# --- neurons and layers --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NeuronGroup:
    """One neuron of a graph built by ``nn``: its parameters and the nodes it made.

    ``sums`` holds its ``Σ w·x`` nodes and ``outputs`` its results (the activation, or the
    sum itself for a linear neuron), one of each per call (per sample). ``ones`` are the
    constant-1 inputs its bias multiplies (one per call, possibly shared with the other
    neurons of the layer).
    """

    layer: int
    index: int
    name: str
    weights: tuple[Value, ...]
    bias: Value
    ones: tuple[Value, ...]
    sums: tuple[Value, ...]
    outputs: tuple[Value, ...]
    activation: str | None

    @property
    def nin(self) -> int:
        """The number of inputs (weights, not counting the bias)."""
        return len(self.weights)

    @property
    def parameter_count(self) -> int:
        """Weights plus the bias."""
        return len(self.weights) + 1

    @property
    def members(self) -> tuple[Value, ...]:
        """Every node of the neuron: weights in order, bias, ones, then each sum and output."""
        found: list[Value] = [*self.weights, self.bias, *self.ones]
        for total, output in zip(self.sums, self.outputs):
            found.append(total)
            if output is not total:
                found.append(output)
        return tuple(found)


@dataclass(frozen=True, eq=False)
class LayerGroup:
    """One layer: neurons in index order that read the same inputs.

    ``inputs`` are the nodes its neurons read (not their parameters or the constant 1), in
    order of first use; ``shape`` is ``"nin→nout"``, e.g. ``2→16``.
    """

    index: int
    name: str
    neurons: tuple[NeuronGroup, ...]
    inputs: tuple[Value, ...]

    @property
    def nin(self) -> int:
        """The number of inputs of each neuron."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """The number of neurons."""
        return len(self.neurons)

    @property
    def shape(self) -> str:
        """``"nin→nout"``, as a collapsed layer is labelled."""
        return f"{self.nin}→{self.nout}"

    @property
    def parameter_count(self) -> int:
        """All weights and biases of the layer."""
        return sum(neuron.parameter_count for neuron in self.neurons)

    @property
    def outputs(self) -> tuple[Value, ...]:
        """Every neuron's outputs, neuron by neuron."""
        return tuple(output for neuron in self.neurons for output in neuron.outputs)

    @property
    def members(self) -> tuple[Value, ...]:
        """Every node of every neuron, neuron by neuron (a shared constant 1 once)."""
        return tuple(dict.fromkeys(node for n in self.neurons for node in n.members))


@dataclass(frozen=True, eq=False)
class NodeGroups:
    """The layers and neurons found in a graph (none for a graph not built by ``nn``)."""

    layers: tuple[LayerGroup, ...]
    _neurons: Mapping[Value, NeuronGroup] = field(repr=False)
    _layers: Mapping[NeuronGroup, LayerGroup] = field(repr=False)

    def neuron_of(self, node: Value) -> NeuronGroup | None:
        """Return the neuron ``node`` belongs to (a shared constant 1: its first reader)."""
        return self._neurons.get(node)

    def layer_of(self, node: Value) -> LayerGroup | None:
        """Return the layer ``node`` belongs to, or None."""
        neuron = self._neurons.get(node)
        return None if neuron is None else self._layers[neuron]

    @property
    def neurons(self) -> tuple[NeuronGroup, ...]:
        """Every neuron, layer by layer, in index order."""
        return tuple(neuron for layer in self.layers for neuron in layer.neurons)

    def __bool__(self) -> bool:
        return bool(self.layers)


@dataclass
class _Call:
    """One ``Σ w·x`` node that is a neuron's: weights with bias, inputs, its constant 1."""

    total: Value
    parameters: tuple[Value, ...]
    inputs: tuple[Value, ...]
    one: Value


def node_groups(order: Sequence[Value]) -> NodeGroups:
    """Return the layers and neurons of the graph whose nodes are ``order``.

    A neuron is a ``Σ w·x`` node whose last input is a constant 1 and whose weights are
    leaves (``nn``'s bias trick: ``w_1..w_n, b`` times ``x_1..x_n, 1``); the same weights
    used again (another sample) are the same neuron. Its activation is the ``relu``,
    ``tanh`` or ``sigmoid`` that is the only use of its sum. Neurons reading the same inputs
    are a layer. Layers are numbered in graph order, or by their labels
    (``layers.K.neurons.J``) when every neuron carries one; neurons likewise.
    """
    consumers: dict[Value, list[Value]] = {}
    calls: list[_Call] = []
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
        call = _neuron_call(node)
        if call is not None:
            calls.append(call)
    if not calls:
        return NodeGroups((), {}, {})

    position = {node: index for index, node in enumerate(order)}
    by_parameters: dict[tuple[Value, ...], list[_Call]] = {}
    for call in calls:
        by_parameters.setdefault(call.parameters, []).append(call)

    # Neurons that read the same inputs in some call are one layer (union-find).
    keys = list(by_parameters)
    parent_of = {key: key for key in keys}

    def root(key: tuple[Value, ...]) -> tuple[Value, ...]:
        while parent_of[key] != key:
            parent_of[key] = parent_of[parent_of[key]]
            key = parent_of[key]
        return key

    first_reader: dict[tuple[Value, ...], tuple[Value, ...]] = {}
    for call in calls:
        reader = first_reader.setdefault(call.inputs, call.parameters)
        parent_of[root(call.parameters)] = root(reader)

    members: dict[tuple[Value, ...], list[tuple[Value, ...]]] = {}
    for key in keys:
        members.setdefault(root(key), []).append(key)
    clusters = sorted(
        members.values(),
        key=lambda cluster: min(position[c.total] for key in cluster for c in by_parameters[key]),
    )

    label_layers = [_label_index(_LAYER_INDEX, cluster) for cluster in clusters]
    use_labels = None not in label_layers and len(set(label_layers)) == len(label_layers)
    layers: list[LayerGroup] = []
    neuron_of: dict[Value, NeuronGroup] = {}
    layer_of: dict[NeuronGroup, LayerGroup] = {}
    for order_index, cluster in enumerate(clusters):
        layer_index = label_layers[order_index] if use_labels else order_index
        assert layer_index is not None
        neurons = _neurons_of_layer(layer_index, cluster, by_parameters, consumers, position)
        inputs = dict.fromkeys(x for key in cluster for c in by_parameters[key] for x in c.inputs)
        layer = LayerGroup(layer_index, f"L{layer_index}", neurons, tuple(inputs))
        layers.append(layer)
        for neuron in neurons:
            layer_of[neuron] = layer
            for node in neuron.members:
                neuron_of.setdefault(node, neuron)
    return NodeGroups(tuple(layers), neuron_of, layer_of)


def _neuron_call(node: Value) -> _Call | None:
    op = node.op
    if op is None or op.name != "dot":
        return None
    parents = node.parents
    half = len(parents) // 2
    if half < 2:
        return None
    parameters, inputs = parents[:half], parents[half:]
    one = inputs[-1]
    if not (is_constant(one) and one.data == 1.0):
        return None
    if any(parameter.op is not None for parameter in parameters):
        return None
    return _Call(node, parameters, inputs[:-1], one)


def _label_index(pattern: re.Pattern[str], cluster: Iterable[tuple[Value, ...]]) -> int | None:
    """The index ``pattern`` reads in the bias labels of ``cluster``, if they all agree."""
    found = {_match_index(pattern, label_of(key[-1])) for key in cluster}
    if len(found) != 1:
        return None
    return found.pop()


def _match_index(pattern: re.Pattern[str], label: str) -> int | None:
    match = pattern.search(label)
    return None if match is None else int(match.group(1))


def _neuron_name(bias_label: str, layer_index: int, neuron_index: int) -> str:
    """``L0.N3``: the short form of the bias's dotted path when it has one."""
    if bias_label.endswith(".b") and _NEURON_PREFIX.fullmatch(bias_label[:-2]):
        return short_label(bias_label[:-2])
    return f"L{layer_index}.N{neuron_index}"


def _neurons_of_layer(
    layer_index: int,
    cluster: Sequence[tuple[Value, ...]],
    by_parameters: Mapping[tuple[Value, ...], list[_Call]],
    consumers: Mapping[Value, list[Value]],
    position: Mapping[Value, int],
) -> tuple[NeuronGroup, ...]:
    label_indices = [_match_index(_NEURON_INDEX, label_of(key[-1])) for key in cluster]
    use_labels = None not in label_indices and len(set(label_indices)) == len(label_indices)
    if use_labels:
        ranked = sorted(zip(label_indices, cluster), key=lambda pair: pair[0] or 0)
        numbered = [(index or 0, key) for index, key in ranked]
    else:
        by_position = sorted(cluster, key=lambda key: position[by_parameters[key][0].total])
        numbered = list(enumerate(by_position))
    neurons = []
    for neuron_index, key in numbered:
        calls = by_parameters[key]
        outputs = []
        activation: str | None = None
        for call in calls:
            uses = consumers.get(call.total, [])
            output = call.total
            if len(uses) == 1 and uses[0].op is not None and uses[0].op.name in ACTIVATION_OPS:
                output = uses[0]
                activation = uses[0].op.name
            outputs.append(output)
        neurons.append(
            NeuronGroup(
                layer=layer_index,
                index=neuron_index,
                name=_neuron_name(label_of(key[-1]), layer_index, neuron_index),
                weights=key[:-1],
                bias=key[-1],
                ones=tuple(dict.fromkeys(call.one for call in calls)),
                sums=tuple(call.total for call in calls),
                outputs=tuple(outputs),
                activation=activation,
            )
        )
    return tuple(neurons)
