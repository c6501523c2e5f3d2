"""Thread-local switches: whether ops record a graph, and whether anomaly checks run.

Each thread has its own switches, so ``no_grad()`` in one thread never changes what
another thread records.
"""

from __future__ import annotations

import threading
from contextlib import ContextDecorator
from types import TracebackType

__all__ = ["MODE", "no_grad", "enable_grad", "detect_anomaly", "is_grad_enabled"]


class _Mode(threading.local):
    """The switches of the current thread. ``plain`` is the hot-path summary."""

    grad_enabled: bool = True
    anomaly: bool = False
    plain: bool = True

    def set(self, *, grad_enabled: bool | None = None, anomaly: bool | None = None) -> None:
        if grad_enabled is not None:
            self.grad_enabled = grad_enabled
        if anomaly is not None:
            self.anomaly = anomaly
        self.plain = self.grad_enabled and not self.anomaly


#: The current thread's switches. Read by the Value class on every op.
MODE = _Mode()


class _Switch(ContextDecorator):
    """A context manager (and decorator) that sets one switch and restores it on exit."""

    _field = ""
    _value = False

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(getattr(MODE, self._field))
        MODE.set(**{self._field: self._value})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        MODE.set(**{self._field: self._saved.pop()})


class no_grad(_Switch):  # noqa: N801 - named like torch.no_grad
    """Inside ``with no_grad():`` ops compute values but record no parents.

    Results are leaves: nothing flows back through them. The switch is per thread.
    """

    _field = "grad_enabled"
    _value = False


class enable_grad(_Switch):  # noqa: N801 - named like torch.enable_grad
    """Turn recording back on inside a ``no_grad()`` block."""

    _field = "grad_enabled"
    _value = True


class detect_anomaly(_Switch):  # noqa: N801 - named like torch.autograd.detect_anomaly
    """Inside ``with detect_anomaly():`` an op that makes nan or inf from finite inputs,
    in the forward or the backward pass, raises ``FloatingPointError`` naming the op."""

    _field = "anomaly"
    _value = True


def is_grad_enabled() -> bool:
    """Return whether ops in this thread record their parents."""
    return MODE.grad_enabled
