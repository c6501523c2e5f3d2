"""Thread-local switches: whether ops record a graph, and whether anomaly checks run.

Each thread has its own switches, so ``no_grad()`` in one thread never changes what
another thread records. The switches are context managers and decorators; a decorated
call keeps its own state, so threads calling one decorated function never mix them up.
"""

from __future__ import annotations

import functools
import inspect
import threading
import types
from collections.abc import Callable, Coroutine, Generator
from types import TracebackType
from typing import Any, TypeVar, cast

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

_Function = TypeVar("_Function", bound=Callable[..., Any])


class _Switch:
    """A context manager (and decorator) that sets one switch and restores it on exit.

    The value to restore is kept per thread, so one switch object may be entered by
    several threads at once, or re-entered by one. As a decorator, each call gets a fresh
    switch; on a generator or coroutine function the switch is set around each resumption
    of its body (as in PyTorch), and the caller's mode is back whenever it yields or awaits.
    """

    _field = ""
    _value = False

    def __init__(self) -> None:
        # The values to restore, a stack per thread (by thread id): one switch object may be
        # entered by several threads at once. (A threading.local here would cost more than
        # the rest of entering and leaving together.)
        self._saved: dict[int, list[bool]] = {}

    def __enter__(self) -> None:
        self._saved.setdefault(threading.get_ident(), []).append(getattr(MODE, self._field))
        MODE.set(**{self._field: self._value})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        thread = threading.get_ident()
        stack = self._saved[thread]
        MODE.set(**{self._field: stack.pop()})
        if not stack:  # thread ids are reused: keep no entry for a thread that has left
            del self._saved[thread]

    def __call__(self, func: _Function) -> _Function:
        """Return ``func`` running under this switch: ``@no_grad()`` above a ``def``."""
        name = f"{type(self).__name__}()"
        fresh = type(self)
        if inspect.isclass(func):
            raise TypeError(
                f"{name} cannot decorate class {func.__name__!r}: decorate the methods that "
                f"should run under it, or use 'with {name}:' inside them"
            )
        if inspect.isasyncgenfunction(func):
            raise TypeError(
                f"{name} cannot decorate async generator function {func.__qualname__!r}: "
                f"use 'with {name}:' inside it, around code that does not yield"
            )
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                return (yield from _resumed_under(fresh, func(*args, **kwargs)))

            return cast(_Function, generator)
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                return await _awaited_under(fresh, func(*args, **kwargs))

            return cast(_Function, coroutine)

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return func(*args, **kwargs)

        return cast(_Function, call)


def _resumed_under(
    switch: Callable[[], _Switch], body: Generator[Any, Any, Any] | Coroutine[Any, Any, Any]
) -> Generator[Any, Any, Any]:
    """Run a generator's or coroutine's ``body`` with ``switch()`` set while it runs.

    What it yields goes out, and what is sent or thrown in goes to it, each resumption
    under a fresh switch, so the mode never leaks to the code between resumptions.
    """
    try:
        with switch():
            response = body.send(None)
        while True:
            try:
                request = yield response
            except GeneratorExit:
                with switch():
                    body.close()
                raise
            except BaseException as error:
                with switch():
                    response = body.throw(error)
            else:
                with switch():
                    response = body.send(request)
    except StopIteration as finished:
        return finished.value


@types.coroutine
def _awaited_under(
    switch: Callable[[], _Switch], body: Coroutine[Any, Any, Any]
) -> Generator[Any, Any, Any]:
    """:func:`_resumed_under` in a form a coroutine can await: what it yields goes on to
    the event loop, and what the loop sends or throws comes back, as through any await."""
    return (yield from _resumed_under(switch, body))


class no_grad(_Switch):  # noqa: N801 - named like torch.no_grad
    """Inside ``with no_grad():`` ops compute values but record no parents.

    Results are leaves: nothing flows back through them. The switch is per thread. As a
    decorator, ``@no_grad()``, it applies while the function runs (for a generator or a
    coroutine: while its body runs, not while it is suspended at a yield or an await).
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
