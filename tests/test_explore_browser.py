"""The explorer in a real browser: saved pages opened in headless Chromium, offline.

Every request that is not for the page's own file is blocked and recorded, so a page that
tried to load anything from elsewhere fails. Needs Debian's ``chromium`` and PyPI's
``playwright``; skipped with the reason without them, required in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import nn
from autograd import Value
from autograd.dotfile import format_number
from autograd.ops import DIV
from autograd.viz import Explorer, explore

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1000, "height": 800}  # about a notebook's output area
OPEN_LIMIT_MS = 2000  # the 16-16-1 MLP's page opens fitted in less
PAGE_LIMIT = 1_500_000  # bytes


class Opened:
    """A page in Chromium, with what it tried to fetch and what it logged as errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []

    def drawing(self) -> Any:
        return self.page.locator(".gg-svg")

    def step(self) -> int:
        return int(self.page.locator(".gg-stepno").get_attribute("data-step"))

    def value(self, name: str) -> Any:
        return self.page.locator(f'.gg-node[data-name="{name}"]')

    def content_box(self) -> dict[str, float]:
        """The union of the drawn sections' boxes, in page pixels."""
        box: dict[str, float] = self.page.evaluate(
            """() => {
                const boxes = [...document.querySelectorAll('.gg-section')]
                    .map(section => section.getBoundingClientRect())
                    .filter(rect => rect.width > 0);
                return {
                    left: Math.min(...boxes.map(rect => rect.left)),
                    right: Math.max(...boxes.map(rect => rect.right)),
                    top: Math.min(...boxes.map(rect => rect.top)),
                    bottom: Math.max(...boxes.map(rect => rect.bottom)),
                };
            }"""
        )
        return box

    def drawing_box(self) -> dict[str, float]:
        box: dict[str, float] = self.drawing().bounding_box()
        return box


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Return a function that saves an explorer and opens it offline in a fresh page."""
    contexts: list[Any] = []

    def opener(explorer: Explorer, name: str = "graph.html") -> Opened:
        path = explorer.save(tmp_path / name)
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def block_elsewhere(route: Any) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                opened.requests.append(route.request.url)
                route.abort()

        page.route("**/*", block_elsewhere)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.goto(path.resolve().as_uri())
        page.wait_for_selector(".gg-explorer[data-ready]")
        return opened

    yield opener
    for context in contexts:
        context.close()


def expression() -> tuple[Value, Value, Value]:
    """Return ``(x, w, y)`` with ``y = tanh(w·x + 1) / x``: a division with both roles."""
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    y = (w * x + 1.0).tanh() / x
    y.label = "y"
    return x, w, y


def mlp_loss(sizes: list[int]) -> Value:
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    loss = nn.mse_loss([out], [1.0])  # type: ignore[list-item]
    loss.label = "loss"
    return loss


def test_a_page_opens_with_no_errors_and_fetches_nothing(open_page: Any) -> None:
    opened = open_page(explore(expression()[2]))
    assert opened.errors == []
    assert opened.requests == []
    assert opened.step() == 1


def test_the_drawing_fits_the_width_on_open(open_page: Any) -> None:
    opened = open_page(explore(mlp_loss([4, 4, 1])))
    drawing = opened.drawing_box()
    content = opened.content_box()
    assert drawing["width"] <= VIEWPORT["width"]
    assert (
        drawing["x"] - 1 <= content["left"]
        and content["right"] <= drawing["x"] + drawing["width"] + 1
    )
    assert opened.page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]


def test_next_to_the_last_backward_step_shows_each_leafs_grad(open_page: Any) -> None:
    x, w, y = expression()
    explorer = explore(y)
    opened = open_page(explorer)
    for _ in range(explorer.step_count - 1):
        opened.page.get_by_label("Next step").click()
    assert opened.step() == explorer.step_count
    y.backward()
    for name, leaf in (("x", x), ("w", w)):
        shown = opened.value(name).locator(".gg-grad").text_content()
        assert shown == f"grad {format_number(leaf.grad)}"


def test_pending_values_show_a_question_mark_until_backward_reaches_them(open_page: Any) -> None:
    opened = open_page(explore(expression()[2]))
    assert opened.value("x").locator(".gg-grad").text_content() == "grad ?"
    assert "gg-pending" in opened.value("x").get_attribute("class")
    assert "gg-current" in opened.value("y").get_attribute("class")


def test_arrow_keys_and_the_slider_move_between_steps(open_page: Any) -> None:
    opened = open_page(explore(expression()[2]))
    opened.page.locator(".gg-explorer").focus()
    opened.page.keyboard.press("ArrowRight")
    opened.page.keyboard.press("ArrowRight")
    assert opened.step() == 3
    opened.page.keyboard.press("ArrowLeft")
    assert opened.step() == 2
    opened.page.get_by_label("Step", exact=True).fill("5")
    assert opened.step() == 5


def test_play_steps_on_by_itself_until_paused(open_page: Any) -> None:
    opened = open_page(explore(expression()[2]))
    play = opened.page.get_by_label("Play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    opened.page.wait_for_function(
        "() => +document.querySelector('.gg-stepno').dataset.step >= 3", timeout=10_000
    )
    play.click()
    assert play.get_attribute("aria-pressed") == "false"


def test_forward_steps_reveal_values_in_order(open_page: Any) -> None:
    _x, _w, y = expression()
    opened = open_page(explore(y, steps="forward"))
    assert opened.value("w").locator(".gg-data").text_content() == "data -0.5000"  # step 1
    assert opened.value("y").locator(".gg-data").text_content() == "data ?"
    opened.page.locator(".gg-explorer").focus()
    opened.page.keyboard.press("End")
    assert opened.value("y").locator(".gg-data").text_content() == f"data {format_number(y.data)}"


def test_clicking_a_value_shows_its_ops_rule_and_its_paths(open_page: Any) -> None:
    opened = open_page(explore(expression()[2]))
    opened.value("y").click()
    panel = opened.page.locator(".gg-panel")
    assert panel.is_visible()
    text = panel.text_content()
    assert DIV.doc in text
    assert "d y / d x (denominator) = " in text
    opened.value("x").click()
    text = panel.text_content()
    assert "2 paths" in text
    assert "gg-onpath" in opened.value("w·x").get_attribute("class")


def test_a_layer_collapses_into_one_box_and_expands_on_click(open_page: Any) -> None:
    opened = open_page(explore(mlp_loss([4, 4, 1])))
    weight = opened.value("L1.N2.w0")
    assert weight.is_visible()
    opened.page.get_by_label("Collapse L1").click()
    assert not weight.is_visible()
    box = opened.page.get_by_label("Expand L1")
    assert box.is_visible()
    assert "Layer 1 · 4→4 · 20 parameters" in box.text_content()
    box.click()
    assert weight.is_visible()
    assert opened.errors == []


def test_fit_after_zooming_in_fits_the_drawing_again(open_page: Any) -> None:
    opened = open_page(explore(mlp_loss([4, 4, 1])))
    before = opened.content_box()
    for _ in range(4):
        opened.page.get_by_label("Zoom in").click()
    zoomed = opened.content_box()
    assert zoomed["right"] - zoomed["left"] > 2 * (before["right"] - before["left"])
    opened.page.get_by_label("Fit").click()
    after = opened.content_box()
    drawing = opened.drawing_box()
    assert after["left"] >= drawing["x"] - 1
    assert after["right"] <= drawing["x"] + drawing["width"] + 1
    assert after["right"] - after["left"] == pytest.approx(
        before["right"] - before["left"], rel=0.01
    )


def test_the_current_value_is_kept_in_view_when_zoomed_in(open_page: Any) -> None:
    opened = open_page(explore(mlp_loss([4, 4, 1])))
    for _ in range(6):
        opened.page.get_by_label("Zoom in").click()
    drawing = opened.drawing_box()
    mouse = opened.page.mouse
    mouse.move(drawing["x"] + 900, drawing["y"] + 100)  # drag the view far off to one side
    mouse.down()
    mouse.move(drawing["x"] + 10, drawing["y"] + 300, steps=5)
    mouse.up()
    opened.page.locator(".gg-explorer").focus()
    opened.page.keyboard.press("End")
    current = opened.page.locator(".gg-node.gg-current").bounding_box()
    drawing = opened.drawing_box()
    assert (
        drawing["x"] <= current["x"]
        and current["x"] + current["width"] <= drawing["x"] + drawing["width"]
    )
    assert (
        drawing["y"] <= current["y"]
        and current["y"] + current["height"] <= drawing["y"] + drawing["height"]
    )


def test_the_16_16_1_mlp_page_is_small_and_opens_fitted_quickly(
    open_page: Any, tmp_path: Path
) -> None:
    model = nn.MLP(2, [16, 16, 1], seed=1)
    explorer = explore(model([0.5, -1.0]))  # type: ignore[arg-type]
    opened = open_page(explorer, "mlp.html")
    assert (tmp_path / "mlp.html").stat().st_size < PAGE_LIMIT
    ready_ms = int(opened.page.locator(".gg-explorer").get_attribute("data-ready-ms"))
    assert ready_ms < OPEN_LIMIT_MS
    content, drawing = opened.content_box(), opened.drawing_box()
    assert (
        drawing["x"] - 1 <= content["left"]
        and content["right"] <= drawing["x"] + drawing["width"] + 1
    )
    assert opened.page.get_by_label("Expand L0").is_visible()
    assert opened.errors == [] and opened.requests == []


NASTY = "</script><img src=x onerror=alert(1)>&\"'"


def test_a_label_with_markup_is_drawn_as_text(open_page: Any) -> None:
    x = Value(1.0, label=NASTY)
    y = (x * 2).tanh()
    y.label = "y"
    opened = open_page(explore(y))
    assert opened.errors == [] and opened.requests == []
    assert opened.page.locator("img").count() == 0
    node = opened.page.locator(".gg-node[data-id]").filter(has_text="onerror").first
    assert node.get_attribute("data-name") == NASTY
    node.click()
    assert opened.page.locator(".gg-panel h3").text_content() == NASTY
