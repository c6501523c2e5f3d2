"""An explorer's steps as an animated GIF for slides: one frame per step, drawn with Pillow.

Pillow cannot read SVG, so the frames are drawn again from the same layout and states
(:meth:`autograd.explore.Explorer.frame`): boxes, S-curved edges, the step's text on top.
Pillow comes with matplotlib (glassgrad's ``plots`` and ``notebooks`` extras); without it,
``save("frames/")`` writes the steps as SVG files instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.explore import Explorer, _Frame

__all__ = ["write_gif", "PILLOW_HINT", "FRAME_WIDTH", "FRAME_DURATION_MS"]

#: What to do when Pillow is missing, on one line.
PILLOW_HINT = (
    "saving a GIF needs Pillow: pip install pillow (matplotlib brings it, so does "
    "pip install 'glassgrad[plots]'); or save the steps as SVG files: explorer.save('frames/')"
)

#: The widest a frame gets, in pixels; a smaller drawing keeps its natural size.
FRAME_WIDTH = 1200
#: How long each frame shows.
FRAME_DURATION_MS = 1000

_FILL = {"done": "#dafbe1", "current": "#fff1b8", "pending": "#f6f8fa", "": "#ffffff"}
_OUTLINE = {"done": "#1a7f37", "current": "#9a6700", "pending": "#8c959f", "": "#57606a"}
_CAPTION = 34


def write_gif(explorer: Explorer, path: Path, *, width: int = FRAME_WIDTH) -> None:
    """Write ``explorer``'s steps to ``path`` as a looping GIF, one frame per step."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as error:
        raise ImportError(PILLOW_HINT) from error
    fonts = _fonts(ImageFont)
    frames = [
        _draw(explorer.frame(step), width, Image, ImageDraw, fonts)
        for step in range(1, explorer.step_count + 1)
    ]
    frames[0].save(
        path,
        save_all=True,
        append_images=frames[1:],
        duration=FRAME_DURATION_MS,
        loop=0,
    )


def _fonts(image_font: Any) -> tuple[Any, Any]:
    """A font with ✓ and ▶ (matplotlib's DejaVu Sans when there), in two sizes."""
    try:
        import matplotlib

        name = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
        return image_font.truetype(name, 13), image_font.truetype(name, 11)
    except (ImportError, OSError):
        return image_font.load_default(), image_font.load_default()


def _draw(frame: _Frame, width: int, image: Any, image_draw: Any, fonts: tuple[Any, Any]) -> Any:
    big, small = fonts
    pad = 16.0
    bounds = frame.bounds
    scale = min(1.0, (width - 2 * pad) / bounds.w) if bounds.w > 0 else 1.0
    size = (
        int(bounds.w * scale + 2 * pad),
        int(bounds.h * scale + 2 * pad + _CAPTION),
    )
    canvas = image.new("RGB", size, "white")
    draw = image_draw.Draw(canvas)

    def at(x: float, y: float) -> tuple[float, float]:
        return (pad + (x - bounds.x) * scale, _CAPTION + pad + (y - bounds.y) * scale)

    draw.text((pad, 9), frame.caption, fill="#1f2328", font=big)
    for item in frame.boxes:
        if item.kind == "layer":
            box = item.box
            draw.rounded_rectangle(
                [at(box.x, box.y), at(box.x + box.w, box.y + box.h)],
                radius=8,
                fill="#eef1f4",
                outline="#8c959f",
            )
            draw.text(at(box.x + 10, box.y + 6), item.lines[0], fill="#1f2328", font=big)
    for (x1, y1, x2, y2), is_term in frame.edges:
        bend = max(24.0, (x2 - x1) / 2) if x2 > x1 else 64.0
        points = [
            at(*_bezier((x1, y1), (x1 + bend, y1), (x2 - bend, y2), (x2, y2), k / 16))
            for k in range(17)
        ]
        draw.line(points, fill="#cf222e" if is_term else "#8c959f", width=3 if is_term else 1)
    for item in frame.boxes:
        if item.kind == "layer":
            continue
        box = item.box
        corners = [at(box.x, box.y), at(box.x + box.w, box.y + box.h)]
        state = item.state
        if item.kind == "constant":
            draw.rounded_rectangle(corners, radius=10, fill="white", outline="#afb8c1")
            draw.text(at(box.x + 8, box.y + 5), item.lines[0], fill="#57606a", font=small)
            continue
        thick = 3 if state == "current" else 1
        draw.rounded_rectangle(
            corners, radius=5, fill=_FILL[state], outline=_OUTLINE[state], width=thick
        )
        line_height = 16.0 if item.kind == "node" else 0.0
        for number, line in enumerate(item.lines):
            colour = "#6e7781" if state == "pending" and number else "#1f2328"
            font = big if number == 0 and item.kind == "node" else small
            draw.text(at(box.x + 7, box.y + 4 + line_height * number), line, fill=colour, font=font)
    return canvas.convert("P", palette=image.Palette.ADAPTIVE, colors=64)


def _bezier(
    a: tuple[float, float],
    b: tuple[float, float],
    c: tuple[float, float],
    d: tuple[float, float],
    t: float,
) -> tuple[float, float]:
    u = 1 - t
    x = u**3 * a[0] + 3 * u * u * t * b[0] + 3 * u * t * t * c[0] + t**3 * d[0]
    y = u**3 * a[1] + 3 * u * u * t * b[1] + 3 * u * t * t * c[1] + t**3 * d[1]
    return (x, y)
