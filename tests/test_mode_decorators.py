"""no_grad(), enable_grad() and detect_anomaly() as decorators and shared context managers.

Each decorated call has its own saved state, so threads calling one decorated function
never hand their modes to each other. On a generator or coroutine function the mode
applies while its own code runs, around each resumption, as in PyTorch, and the caller's
mode is back whenever it yields or awaits.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Callable, Generator

import pytest

from autograd import Value, detect_anomaly, enable_grad, is_grad_enabled, no_grad

# --- threads ----------------------------------------------------------------------------


def in_thread(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_threads_calling_one_decorated_function_each_get_their_own_mode_back() -> None:
    """Thread A enters, then B (whose mode is already off), then A leaves before B."""
    a_inside, b_inside, a_returned = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    @no_grad()
    def step(arrive: threading.Event, wait_for: threading.Event) -> None:
        arrive.set()
        assert wait_for.wait(10)

    def thread_a() -> None:
        step(a_inside, b_inside)
        seen["A after its call"] = is_grad_enabled()
        a_returned.set()

    def thread_b() -> None:
        assert a_inside.wait(10)
        with no_grad():
            step(b_inside, a_returned)
            seen["B after its call, inside its own no_grad"] = is_grad_enabled()
        seen["B after its no_grad"] = is_grad_enabled()

    for thread in [in_thread(thread_a), in_thread(thread_b)]:
        thread.join()
    assert seen == {
        "A after its call": True,
        "B after its call, inside its own no_grad": False,
        "B after its no_grad": True,
    }


def test_one_switch_object_shared_by_threads_restores_each_thread() -> None:
    shared = no_grad()
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def thread_a() -> None:
        with shared:
            a_inside.set()
            assert b_inside.wait(10)
        seen["A"] = is_grad_enabled()
        a_left.set()

    def thread_b() -> None:
        assert a_inside.wait(10)
        with enable_grad(), no_grad():
            with shared:
                b_inside.set()
                assert a_left.wait(10)
            seen["B inside its no_grad"] = is_grad_enabled()

    for thread in [in_thread(thread_a), in_thread(thread_b)]:
        thread.join()
    assert seen == {"A": True, "B inside its no_grad": False}


def test_a_decorated_function_can_call_itself() -> None:
    @no_grad()
    def countdown(n: int) -> list[bool]:
        inner = countdown(n - 1) if n else []
        return [is_grad_enabled(), *inner]

    assert countdown(3) == [False] * 4
    assert is_grad_enabled()


# --- generators -------------------------------------------------------------------------


def test_no_grad_applies_inside_a_decorated_generator_and_not_between_its_yields() -> None:
    @no_grad()
    def doubled(xs: list[Value]) -> Generator[Value, None, None]:
        for x in xs:
            yield x * 2.0

    consumer_modes = []
    results = []
    for y in doubled([Value(1.0), Value(2.0)]):
        consumer_modes.append(is_grad_enabled())
        results.append(y)
    assert [y.data for y in results] == [2.0, 4.0]
    assert all(y.is_leaf for y in results)
    assert consumer_modes == [True, True]


def test_enable_grad_applies_inside_a_decorated_generator_consumed_under_no_grad() -> None:
    @enable_grad()
    def squares(xs: list[Value]) -> Generator[Value, None, None]:
        for x in xs:
            yield x * x

    x = Value(3.0)
    with no_grad():
        (y,) = list(squares([x]))
        assert not is_grad_enabled()
    assert y.parents == (x, x)


def test_a_decorated_generator_passes_sent_values_exceptions_and_its_return_value() -> None:
    log: list[object] = []

    @no_grad()
    def echo() -> Generator[bool, str, str]:
        try:
            while True:
                received = yield is_grad_enabled()
                log.append((received, is_grad_enabled()))
        except KeyError as error:
            log.append(("caught", error.args[0], is_grad_enabled()))
        return "finished"

    generator = echo()
    assert next(generator) is False
    assert generator.send("hello") is False
    assert is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        generator.throw(KeyError("k"))
    assert stop.value.value == "finished"
    assert log == [("hello", False), ("caught", "k", False)]


def test_closing_a_decorated_generator_runs_its_cleanup_in_the_mode() -> None:
    cleanup_modes = []

    @no_grad()
    def numbers() -> Generator[int, None, None]:
        try:
            yield 1
            yield 2
        finally:
            cleanup_modes.append(is_grad_enabled())

    generator = numbers()
    assert next(generator) == 1
    generator.close()
    assert cleanup_modes == [False]
    assert is_grad_enabled()


def test_a_decorated_generator_function_is_still_a_generator_function_with_its_name() -> None:
    @no_grad()
    def numbers() -> Generator[int, None, None]:
        """Count."""
        yield 1

    assert inspect.isgeneratorfunction(numbers)
    assert (numbers.__name__, numbers.__doc__) == ("numbers", "Count.")


def test_detect_anomaly_applies_inside_a_decorated_generator() -> None:
    @detect_anomaly()
    def exponentials(xs: list[Value]) -> Generator[Value, None, None]:
        for x in xs:
            yield x.exp()

    with pytest.raises(FloatingPointError, match="exp produced inf"):
        list(exponentials([Value(1000.0)]))
    assert Value(1000.0).exp().data == float("inf")


# --- coroutines -------------------------------------------------------------------------


def test_no_grad_applies_inside_a_decorated_coroutine_across_its_awaits() -> None:
    @no_grad()
    async def doubled(x: Value) -> tuple[Value, Value]:
        before = x * 2.0
        await asyncio.sleep(0)
        return before, x * 2.0

    before, after = asyncio.run(doubled(Value(1.0)))
    assert before.is_leaf
    assert after.is_leaf
    assert inspect.iscoroutinefunction(doubled)


def test_other_tasks_record_while_a_decorated_coroutine_is_suspended() -> None:
    x = Value(1.0)

    async def both() -> list[Value]:
        recorded_first = asyncio.Event()

        @no_grad()
        async def quiet() -> Value:
            await recorded_first.wait()
            return x * 2.0

        async def recording() -> Value:
            result = x * 2.0  # runs while quiet() is suspended in its await
            recorded_first.set()
            return result

        return list(await asyncio.gather(quiet(), recording()))

    quiet_result, recorded = asyncio.run(both())
    assert quiet_result.is_leaf
    assert recorded.parents[0] is x


def test_an_exception_thrown_into_a_decorated_coroutine_reaches_it_in_the_mode() -> None:
    seen = []

    @no_grad()
    async def waits_forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append(is_grad_enabled())
            raise

    async def cancel_it() -> None:
        task = asyncio.ensure_future(waits_forever())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_it())
    assert seen == [False]


# --- what cannot be decorated -----------------------------------------------------------


def test_an_async_generator_function_is_refused_with_what_to_do_instead() -> None:
    async def numbers() -> AsyncIterator[int]:
        yield 1

    with pytest.raises(TypeError, match=r"no_grad\(\) cannot decorate async generator.*numbers"):
        no_grad()(numbers)


def test_a_class_is_refused() -> None:
    class Model:
        pass

    with pytest.raises(TypeError, match=r"enable_grad\(\) cannot decorate class 'Model'"):
        enable_grad()(Model)
