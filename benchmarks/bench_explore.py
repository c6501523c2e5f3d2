"""How large a graph the explorer opens, and how fast: page size and time to a fitted view.

For graphs from a few values to a few thousand, prints the number of drawn values, the
time ``explore(root).page()`` takes in Python, the page's size and, in headless Chromium
(Debian's ``chromium`` through playwright, when both are installed), the time from
navigation to the explorer fitted and ready (its ``data-ready-ms``), best of three.

Run with ``make bench``. Timings vary on shared machines; sizes do not.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nn
from autograd import Value
from autograd.explore import CHROMIUM_ARGS
from autograd.viz import explore


def one_input(sizes: list[int]) -> Value:
    out = nn.MLP(2, sizes, seed=1)([0.5, -1.0])
    assert isinstance(out, Value)
    return out


def mse_on(samples: int) -> Value:
    model = nn.MLP(2, [16, 16, 1], seed=1)
    X, labels = nn.make_moons(samples, noise=0.1, seed=1)
    return nn.mse_loss([model(x) for x in X], [float(t) for t in labels])  # type: ignore[misc]


def chain(length: int) -> Value:
    x = Value(0.5, label="x")
    for _ in range(length):
        x = x.tanh()
    return x


CASES: list[tuple[str, Callable[[], Value]]] = [
    ("MLP(2, [4, 4, 1]), one input", lambda: one_input([4, 4, 1])),
    ("MLP(2, [16, 16, 1]), one input", lambda: one_input([16, 16, 1])),
    ("MLP(2, [16, 16, 1]), MSE on 4 samples", lambda: mse_on(4)),
    ("MLP(2, [16, 16, 1]), MSE on 16 samples", lambda: mse_on(16)),
    ("MLP(2, [64, 64, 1]), one input", lambda: one_input([64, 64, 1])),
    ("a chain of 3,000 tanh", lambda: chain(3000)),
]


def open_ms(browser: Any, page_path: Path) -> int:
    """Milliseconds from navigation to the explorer fitted and ready, best of three."""
    times = []
    for _ in range(3):
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector(".gg-explorer[data-ready]", timeout=120_000)
        times.append(int(page.locator(".gg-explorer").get_attribute("data-ready-ms")))
        page.close()
    return min(times)


def main() -> None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if chromium is None or sync_playwright is None:
        print("Chromium or playwright is missing: page sizes only, no opening times\n")
    print(f"{'graph':42} {'values':>7} {'layers':>14} {'python':>8} {'page':>9} {'opens':>8}")
    with tempfile.TemporaryDirectory() as folder:
        browser = None
        manager = None
        if chromium is not None and sync_playwright is not None:
            manager = sync_playwright().start()
            browser = manager.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        for name, build in CASES:
            root = build()
            start = time.perf_counter()
            explorer = explore(root)
            page_path = Path(folder) / "page.html"
            explorer.save(page_path)
            seconds = time.perf_counter() - start
            size = page_path.stat().st_size / 1e6
            folded = f"{sum(explorer.collapsed)} collapsed" if explorer.layers else "none"
            opens = f"{open_ms(browser, page_path)} ms" if browser is not None else "-"
            print(
                f"{name:42} {len(explorer.order):>7,} {folded:>14} {seconds:>7.2f}s "
                f"{size:>6.2f} MB {opens:>8}"
            )
        if browser is not None and manager is not None:
            browser.close()
            manager.stop()


if __name__ == "__main__":
    main()
