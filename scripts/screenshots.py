"""Write the README's pictures of the explorer: real pages, shot in headless Chromium.

    .venv/bin/python scripts/screenshots.py        # writes docs/images/explorer-*.png

Needs Debian's Chromium (``apt-get install chromium``) and ``pip install playwright``
(the dev extra has it). Nothing is drawn by hand: each picture is an explorer page saved
by ``autograd.viz.explore``, opened offline and clicked as a reader would.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import nn
from autograd import Value
from autograd.explore import CHROMIUM_ARGS
from autograd.viz import Explorer, explore

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
VIEWPORT = {"width": 1000, "height": 800}


def expression() -> Value:
    """Notebook 02's ``y = tanh(3x + x² - 1/x)``: ``x`` is used three times."""
    x = Value(0.5, label="x")
    p = x * 3
    p.label = "p"
    q = x**2
    q.label = "q"
    r = 1 / x
    r.label = "r"
    n = p + q - r
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    return y


def mlp() -> Value:
    """``MLP(2, [16, 16, 1])`` on one input, as in the README's one-liner."""
    out = nn.MLP(2, [16, 16, 1], seed=1)([0.5, -1.0])
    assert isinstance(out, Value)
    return out


def shoot(browser: object, explorer: Explorer, name: str, *, step: int, click: str = "") -> None:
    """Open ``explorer``'s page offline, go to ``step``, maybe click a value, save a PNG."""
    with tempfile.TemporaryDirectory() as folder:
        page_path = explorer.save(Path(folder) / "page.html")
        page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file://") else route.abort()
            ),
        )
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector(".gg-explorer[data-ready]")
        page.get_by_label("Step", exact=True).fill(str(step))
        if click:
            page.locator(f'.gg-node[data-name="{click}"]').click()
        page.evaluate("document.activeElement.blur()")
        target = IMAGES / name
        page.locator(".gg-explorer").screenshot(path=str(target))
        page.close()
    print(f"wrote {target.relative_to(IMAGES.parents[1])}")


def main() -> int:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("needs playwright: pip install playwright", file=sys.stderr)
        return 1
    if chromium is None:
        print("needs Chromium: apt-get install chromium", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        small = explore(expression())
        shoot(browser, small, "explorer-backward-step.png", step=small.step_count)
        shoot(browser, small, "explorer-clicked-value.png", step=4, click="x")
        network = explore(mlp())
        # Well into backward: layer 1's neurons are done down to L1.N8.
        reached = next(
            k for k in range(1, network.step_count + 1) if network.step_text(k).startswith("L1.N8:")
        )
        shoot(browser, network, "explorer-collapsed-mlp.png", step=reached)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
