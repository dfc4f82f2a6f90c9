"""The red round seal as a picture."""

from io import BytesIO

from PIL import Image

from documents.layout import seal_png


def test_the_seal_is_a_mostly_transparent_red_png():
    data = seal_png("协同市协同局办公室", size_px=300)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (300, 300)
    raw = image.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    inked = [p for p in pixels if p[3] > 200]
    clear = [p for p in pixels if p[3] == 0]
    assert len(clear) > 0.5 * len(pixels)  # mostly transparent
    assert len(inked) > 0.05 * len(pixels)  # ring, star and name
    red = [p for p in inked if p[0] > 180 and p[1] < 90 and p[2] < 90]
    assert len(red) > 0.95 * len(inked)
    # Transparent at the corners and inked in the centre (the star).
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((150, 150))[3] > 200


def test_the_name_is_drawn_on_the_upper_arc():
    with_name = Image.open(BytesIO(seal_png("协同市协同局", size_px=200)))
    without = Image.open(BytesIO(seal_png("", size_px=200)))

    def inked_in_upper_band(image):
        return sum(1 for x in range(200) for y in range(15, 60) if image.getpixel((x, y))[3] > 128)

    assert inked_in_upper_band(with_name) > inked_in_upper_band(without) + 200
