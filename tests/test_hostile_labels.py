"""Labels are data, never code or markup: any text changes only the drawing.

Random labels (any unicode, control characters, quotes, DOT and HTML syntax) go into a
graph; values and gradients stay as they were, and Graphviz reads the drawing's DOT text
without complaint (an unescaped quote or ``>`` would break it).
"""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.viz import draw_dot

HOSTILE = ['"', "\\", "<", ">", "&", "{", "}", "|", "\n", "\x00", "</script>", "]; x -> y [", "\\N"]
labels = (
    st.text(max_size=20)
    | st.sampled_from(HOSTILE)
    | st.lists(st.sampled_from(HOSTILE), max_size=4).map("".join)
)


def small_graph(names: list[str]) -> tuple[list[Value], Value]:
    a = Value(0.5, label=names[0])
    b = Value(-1.5, label=names[1])
    c = a * b
    c.label = names[2]
    out = (c + a).tanh() / b
    out.label = names[3]
    return [a, b, c], out


def values_and_grads(names: list[str]) -> tuple[float, list[float]]:
    leaves, out = small_graph(names)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(labels, min_size=4, max_size=4))
def test_any_labels_change_only_the_drawing(names: list[str], dot_program: str) -> None:
    assert values_and_grads(names) == values_and_grads(["a", "b", "c", "out"])
    _, out = small_graph(names)
    source = draw_dot(out).source
    rendered = subprocess.run(
        [dot_program, "-Tsvg"], input=source.encode(), capture_output=True, check=False
    )
    assert rendered.returncode == 0, rendered.stderr.decode()
    assert b"Warning" not in rendered.stderr and b"Error" not in rendered.stderr
