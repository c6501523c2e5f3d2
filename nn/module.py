"""Module: the base of every model, with PyTorch's parameter names and state dictionaries.

A Module finds its parameters by walking its attributes in the order they were set:
a :class:`~autograd.Value` is a parameter, a Module is a child, and a list or tuple is
walked item by item. So a Neuron's ``w`` (a list) and ``b`` give ``w.0, w.1, ..., b``, and
an MLP's are ``layers.0.neurons.3.w.1``, as in ``torch.nn.Module.named_parameters()``.
As there, each parameter and each module is walked once: a parameter shared by two
attributes (tied weights) is listed once, under the first name that reaches it, and a
module that refers to itself or to an ancestor does not make the walk go round.

``save``/``load`` write and read a versioned JSON file. Python writes a float with the
shortest text that reads back as the same float, so a round trip is bit-exact.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from numbers import Real
from pathlib import Path
from typing import Any

from autograd import Value

__all__ = ["Module", "StateDictError", "FORMAT", "FORMAT_VERSION"]

#: The ``format`` field of a saved model file.
FORMAT = "glassgrad.nn.Module"
#: The version of that format this code writes and reads.
FORMAT_VERSION = 1


class StateDictError(ValueError):
    """A state dictionary or model file that does not fit the model; nothing was assigned."""


class Module:
    """The base class of models: parameters, gradients and saved state.

    Subclasses set their parameters (Values), sub-modules and lists of either as
    attributes in ``__init__``, and define ``__call__``.
    """

    def __call__(self, *inputs: Any) -> Any:
        """Return the module's output for ``inputs``: every model defines this."""
        raise TypeError(
            f"{type(self).__name__} does not define __call__: a Module subclass computes "
            "its output there"
        )

    # --- parameters ------------------------------------------------------------------

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``(dotted name, parameter)`` pairs in definition order, e.g. ``w.0``.

        A parameter reached by several paths is yielded once, under the first.
        """
        return iter(_walk(self, named=True))

    def parameters(self) -> list[Value]:
        """Return the parameters as a list, in the order of :meth:`named_parameters`."""
        # The same walk without building names: a training step may call this every time.
        return [parameter for _, parameter in _walk(self, named=False)]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (leaf gradients accumulate across backward)."""
        for parameter in self.parameters():
            parameter.grad = 0.0

    def label_parameters(self) -> None:
        """Set each parameter's ``.label`` to its dotted name, so drawings name it.

        Every constructor calls this last; the outermost one runs last and so wins.
        """
        for name, parameter in self.named_parameters():
            parameter.label = name

    # --- state -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """Return ``{dotted name: value}`` for every parameter: a copy, as plain floats."""
        return {name: parameter.data for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object], strict: bool = True) -> None:
        """Assign parameter values from ``state``, checking all of it before assigning any.

        With ``strict=True`` the keys must be exactly those of :meth:`state_dict`; otherwise
        the missing and unexpected keys are named in a :class:`StateDictError` (a
        ValueError). With ``strict=False`` only the keys both share are assigned. Every
        value must be a real number (not a bool).
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict() takes a mapping of names to numbers, got {type(state).__name__}"
            )
        parameters = dict(self.named_parameters())
        missing = [name for name in parameters if name not in state]
        unexpected = [name for name in state if name not in parameters]
        if strict and (missing or unexpected):
            raise StateDictError(_key_mismatch(type(self).__name__, missing, unexpected))
        updates: list[tuple[Value, float]] = []
        for name, parameter in parameters.items():
            if name not in state:
                continue
            number = state[name]
            if isinstance(number, bool) or not isinstance(number, Real):
                raise StateDictError(
                    f"state entry {name!r} must be a real number, got "
                    f"{type(number).__name__} {number!r}"
                )
            updates.append((parameter, float(number)))
        for parameter, number in updates:
            parameter.data = number

    # --- files -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the parameters to ``path`` as versioned JSON, atomically.

        The text is built first (a ValueError names any non-finite parameter, and no file
        is touched), then written to a temporary file beside ``path`` and moved over it
        with ``os.replace``: a failed save leaves any existing file as it was.

        A new file gets the mode ``open()`` gives (0o666 less the umask); an overwritten
        file keeps its mode (and, where allowed, its owner). A symbolic link is written
        through: its target is replaced, in the target's folder, and the link stays. Only
        a regular file (or a new path) is replaced: a directory, FIFO, device or socket is
        a ValueError naming it, and nothing is written.
        """
        state = self.state_dict()
        bad = [name for name, number in state.items() if not math.isfinite(number)]
        if bad:
            raise ValueError(
                f"cannot save {type(self).__name__}: parameter {bad[0]!r} is "
                f"{state[bad[0]]!r} ({len(bad)} non-finite in all); the model diverged, so "
                f"lower the learning rate or reload a good state before saving"
            )
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "module": type(self).__name__,
            "parameters": state,
        }
        text = json.dumps(document, indent=1, allow_nan=False) + "\n"
        _replace_atomically(path, text)

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read parameters saved by :meth:`save` from ``path``, all or nothing.

        A file that is empty, truncated, not UTF-8 JSON, nested too deeply, of another
        format or version, holds a non-finite number or one too large for a float, or
        belongs to another architecture raises a ValueError naming the file and saying
        which, and the model keeps its parameters.
        """
        data = Path(path).read_bytes()
        where = f"model file {os.fspath(path)!r}"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"{where} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                f"{error.start}); save() writes UTF-8 JSON, so this file is something else"
            ) from None
        if not text.strip():
            raise ValueError(f"{where} is empty; it was never written or was truncated")
        try:
            document = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int)
        except _NonFiniteNumberError as error:
            raise ValueError(f"{where} holds a non-finite number ({error})") from None
        except _HugeIntegerError as error:
            raise ValueError(
                f"{where} holds an integer of {error} digits, too large for a float"
            ) from None
        except RecursionError:
            raise ValueError(
                f"{where} is nested too deeply to be a model file (one object of names and numbers)"
            ) from None
        except ValueError as error:  # json.JSONDecodeError, and any other parse error
            raise ValueError(
                f"{where} is not valid JSON ({error}); it may be truncated or corrupt"
            ) from None
        state = _parameters_of(document, where)
        try:
            self.load_state_dict(state, strict=True)
        except StateDictError as error:
            raise StateDictError(f"{where} does not fit this model: {error}") from None


def _replace_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a new file beside ``path``'s target, then move it over the target."""
    target = os.path.realpath(path) if os.path.islink(path) else os.fspath(path)
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        through = f" (a link to {target!r})" if target != os.fspath(path) else ""
        raise ValueError(
            f"cannot save to {os.fspath(path)!r}{through}: it is {_kind(old.st_mode)}, not "
            f"a regular file, so nothing was written; save() replaces regular files and "
            f"makes new ones: pass the path of a model file"
        )
    try:
        handle, temporary = _create_beside(target)
    except OSError as error:  # OSError(errno, ...) makes the same subclass, e.g. PermissionError
        raise OSError(
            error.errno,
            f"cannot save to {os.fspath(path)!r}: {error.strerror} (making a new file in "
            f"{os.path.dirname(target) or '.'!r})",
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            if old is not None:
                _keep_owner_and_mode(file.fileno(), old)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _create_beside(target: str) -> tuple[int, str]:
    """Create and open a new, empty file in ``target``'s folder, as ``open()`` would.

    Unlike ``tempfile.mkstemp`` (always mode 0o600) it asks for 0o666, so the umask and
    the folder's default ACL decide the mode, exactly as for a file made by ``open()``.
    """
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"could not make a temporary file beside {target!r}")


def _keep_owner_and_mode(handle: int, old: os.stat_result) -> None:
    """Give the open file ``old``'s owner (where this process may) and mode."""
    new = os.fstat(handle)
    if (old.st_uid, old.st_gid) != (new.st_uid, new.st_gid):
        # Only root may give a file away; without that right the mode is still kept.
        with contextlib.suppress(PermissionError):
            os.fchown(handle, old.st_uid, old.st_gid)
    os.fchmod(handle, stat.S_IMODE(old.st_mode))


def _kind(mode: int) -> str:
    """Name the kind of (not regular) file ``mode`` describes, e.g. 'a FIFO (named pipe)'."""
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "a special file")


class _NonFiniteNumberError(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFiniteNumberError(name)


class _HugeIntegerError(ValueError):
    pass


def _parse_int(text: str) -> int:
    """Read a JSON integer that a float can hold; else raise _HugeIntegerError(its digits)."""
    digits = len(text.lstrip("-"))
    # Every float is below 10**309; longer texts are refused before int() reads them
    # (slow for huge texts, and refused past 4,300 digits from Python 3.11 on).
    if digits <= 309:
        number = int(text)
        try:
            float(number)
        except OverflowError:
            pass
        else:
            return number
    raise _HugeIntegerError(digits)


def _parameters_of(document: object, where: str) -> dict[str, float]:
    """Check a parsed model file and return its parameters, or raise a ValueError."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{where} is not a glassgrad model file (no 'format': {FORMAT!r})")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{where} has format version {document.get('version')!r}; this glassgrad reads "
            f"version {FORMAT_VERSION}"
        )
    parameters = document.get("parameters")
    if not isinstance(parameters, dict):
        raise ValueError(f"{where} has no 'parameters' object")
    for name, number in parameters.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ValueError(
                f"{where}: parameter {name!r} is {type(number).__name__} {number!r}, not a number"
            )
        if not math.isfinite(number):  # e.g. 1e999 parses as inf
            raise ValueError(f"{where}: parameter {name!r} is {number!r}, not finite")
    return {name: float(number) for name, number in parameters.items()}


def _key_mismatch(owner: str, missing: list[str], unexpected: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing keys {_shorten(missing)}")
    if unexpected:
        parts.append(f"unexpected keys {_shorten(unexpected)}")
    return (
        f"state does not match {owner}: {'; '.join(parts)}; was it saved from a model "
        f"of another shape?"
    )


def _shorten(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f"[{shown}]{more}"


def _walk(
    root: Module, named: bool, entering: list[object] | None = None
) -> list[tuple[str, Value]]:
    """Return each parameter under ``root`` once, with its dotted name if ``named`` (else "").

    Depth first, in the order attributes were set and items listed. A module, list or tuple
    already entered is not entered again, and a parameter reached again is left out: so
    tied parameters keep their first name, and a module that refers to itself or to an
    ancestor is walked once. The walk keeps its own stack, so any depth works. The modules,
    lists and tuples it enters, ``root`` first, are appended to ``entering`` when given:
    what they hold is all the walk reads.
    """
    found: list[tuple[str, Value]] = []
    entered = {id(root)}
    if entering is not None:
        entering.append(root)
    stack: list[tuple[str, Iterator[tuple[object, object]]]] = [("", iter(vars(root).items()))]
    while stack:
        prefix, items = stack[-1]
        for key, item in items:
            if isinstance(item, Value):
                found.append((f"{prefix}{key}" if named else "", item))
            elif isinstance(item, (Module, list, tuple)) and id(item) not in entered:
                entered.add(id(item))
                if entering is not None:
                    entering.append(item)
                inner = vars(item).items() if isinstance(item, Module) else enumerate(item)
                stack.append((f"{prefix}{key}." if named else "", iter(inner)))
                break  # walk the inner items first, then come back to the rest of these
        else:
            stack.pop()
    first: list[tuple[str, Value]] = []
    listed: set[int] = set()
    for pair in found:
        if id(pair[1]) not in listed:
            listed.add(id(pair[1]))
            first.append(pair)
    return first
