"""Draws the app icons of the installable portal from the design of `static/img/sportello.svg`.

The PNG files under `sportello/static/pwa/` were made once with

    .venv/bin/python -m sportello.pwa.icons

and are committed: nothing runs this at deploy time. Pillow cannot read SVG, so the
same shapes (a blue rounded square with a white headset, on the SVG's 64-unit grid)
are drawn with Pillow's primitives, four times larger than needed and then reduced,
which gives smooth edges.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = "#0b5cab"  # --blue in sportello.css, the manifest's theme colour
WHITE = "#ffffff"
GRID = 64  # the SVG's viewBox
SUPERSAMPLING = 4
# A maskable icon may be cut to any shape that contains the central circle of 80% of its
# width (https://www.w3.org/TR/appmanifest/#icon-masks): the headset is shrunk to fit it.
MASKABLE_SCALE = 0.72

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "pwa"
ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
}


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    """The portal's icon, `size` pixels square; `maskable` fills the whole square with blue
    (the platform rounds or cuts it) and keeps the headset inside the safe zone."""
    canvas = size * SUPERSAMPLING
    unit = canvas / GRID
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, canvas, canvas), fill=BLUE)
        scale, centre_y = MASKABLE_SCALE, 30.25  # the headset spans y 13.5–47: centre it
    else:
        # <rect width="64" height="64" rx="14" fill="#0b5cab"/>
        draw.rounded_rectangle((0, 0, canvas - 1, canvas - 1), radius=14 * unit, fill=BLUE)
        scale, centre_y = 1.0, 32

    def point(x: float, y: float) -> tuple[float, float]:
        """From the SVG's grid to the canvas, scaled around the headset's centre."""
        return (32 + (x - 32) * scale) * unit, (32 + (y - centre_y) * scale) * unit

    stroke = 5 * scale * unit
    # <path d="M18 36v-6a14 14 0 0 1 28 0v6" stroke-width="5" stroke-linecap="round"/>:
    # two short uprights joined by a half circle of radius 14 centred on (32, 30).
    left, top = point(32 - 14, 30 - 14)
    right, bottom = point(32 + 14, 30 + 14)
    half = stroke / 2
    draw.arc((left - half, top - half, right + half, bottom + half), 180, 360, fill=WHITE, width=round(stroke))
    for x in (18, 46):
        x0, y0 = point(x, 30)
        x1, y1 = point(x, 36)
        draw.line((x0, y0, x1, y1), fill=WHITE, width=round(stroke))
        draw.ellipse((x1 - half, y1 - half, x1 + half, y1 + half), fill=WHITE)  # the round cap
    # <rect x="13" y="33" width="10" height="14" rx="4"/> and its twin at x="41": the ear cups.
    for x in (13, 41):
        x0, y0 = point(x, 33)
        x1, y1 = point(x + 10, 33 + 14)
        draw.rounded_rectangle((x0, y0, x1, y1), radius=4 * scale * unit, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        draw_icon(size, maskable=maskable).save(STATIC_DIR / name, optimize=True)
        print(f"wrote {STATIC_DIR / name}")


if __name__ == "__main__":
    main()
