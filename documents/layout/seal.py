"""The red round seal (印章): a ring, a five-pointed star and the organization's name on the upper arc.

Drawn as vectors on a reportlab canvas for the PDF, and as a transparent PNG (Pillow) for the DOCX.
"""

import math
from functools import lru_cache
from io import BytesIO
from typing import Any

from .geometry import RED_RGB

RING = 0.035  # ring stroke, as a fraction of the diameter
STAR = 0.17  # star's outer radius
CHAR = 0.15  # character size
MAX_ARC = math.radians(250)  # the name spans at most this much of the circle


def _star_points(cx: float, cy: float, radius: float, y_up: bool) -> list[tuple[float, float]]:
    inner = radius * 0.382
    sign = 1 if y_up else -1
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + sign * r * math.sin(angle)))
    return points


def arc_layout(count: int, diameter: float) -> tuple[float, float, list[float]]:
    """(character size, radius of the characters' centres, each character's angle) for a name of
    ``count`` characters, read left to right along the upper arc."""
    if count == 0:
        return 0.0, 0.0, []
    size = CHAR * diameter
    for _ in range(20):
        radius = diameter / 2 - RING * diameter - size * 0.72
        step = size * 1.12 / radius
        total = step * (count - 1)
        if total <= MAX_ARC:
            break
        size *= 0.93
    start = math.pi / 2 + total / 2
    return size, radius, [start - i * step for i in range(count)]


def draw_seal(canvas: Any, cx: float, cy: float, diameter: float, text: str, font_name: str, color: Any) -> None:
    """The seal centred at (cx, cy) on a reportlab canvas (y up), multiplied over what is below
    like ink."""
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    canvas.setStrokeColor(color)
    canvas.setFillColor(color)
    ring = RING * diameter
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, diameter / 2 - ring / 2, stroke=1, fill=0)
    path = canvas.beginPath()
    points = _star_points(cx, cy, STAR * diameter, y_up=True)
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    size, radius, angles = arc_layout(len(text), diameter)
    for ch, angle in zip(text, angles, strict=True):
        canvas.saveState()
        canvas.translate(cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        glyph = canvas.beginText()
        glyph.setFont(font_name, size)
        glyph.setTextRenderMode(2)  # fill and stroke: seal characters are heavier than print
        canvas.setLineWidth(size * 0.04)
        width = canvas.stringWidth(ch, font_name, size)
        glyph.setTextOrigin(-width / 2, -0.38 * size)
        glyph.textOut(ch)
        canvas.drawText(glyph)
        canvas.restoreState()
    canvas.restoreState()


def seal_png(text: str, size_px: int = 600) -> bytes:
    """The seal as a square PNG of ``size_px`` pixels: red on a transparent background."""
    return _seal_png(text.strip(), size_px)


@lru_cache(maxsize=16)  # an organization's seal is drawn again and again
def _seal_png(name: str, size_px: int) -> bytes:
    from PIL import Image, ImageDraw

    from .fonts import picture_font

    scale = 2  # drawn twice as large, then reduced: smooth edges
    big = size_px * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (*RED_RGB, 255)
    ring = max(1, round(RING * big))
    draw.ellipse((ring // 2, ring // 2, big - 1 - ring // 2, big - 1 - ring // 2), outline=red, width=ring)
    center = big / 2
    draw.polygon(_star_points(center, center, STAR * big, y_up=False), fill=red)
    size, radius, angles = arc_layout(len(name), big)
    font = picture_font(max(1, round(size))) if name else None
    if font is not None:
        cell = round(size * 1.6)
        for ch, angle in zip(name, angles, strict=True):
            glyph = Image.new("RGBA", (cell, cell), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text(
                (cell / 2, cell / 2), ch, font=font, fill=red, anchor="mm", stroke_width=max(1, round(size * 0.02))
            )
            glyph = glyph.rotate(math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
            x = center + radius * math.cos(angle) - cell / 2
            y = center - radius * math.sin(angle) - cell / 2
            image.alpha_composite(glyph, (round(x), round(y)))
    image = image.resize((size_px, size_px), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
