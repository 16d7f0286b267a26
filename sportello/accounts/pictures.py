"""Profile pictures: re-encoded by Pillow, cropped to a square, stored under a random name."""

import io
import uuid

from PIL import Image, ImageOps

AVATAR_SIZE = 256


def new_avatar_name() -> str:
    """A random file name: a picture never overwrites another, and its name says nothing."""
    return f"{uuid.uuid4().hex}.png"


def decode(uploaded) -> None:
    """Decodes every pixel of `uploaded` (its size already checked from the header, see
    AvatarForm); raises OSError, SyntaxError or ValueError for a damaged file. A JPEG is
    decoded at a reduced scale, all that the avatar needs."""
    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))
        image.load()


def render_avatar(uploaded) -> bytes:
    """`uploaded` (an image file already validated by AvatarForm) as a square PNG of
    AVATAR_SIZE pixels. Re-encoding drops anything but the pixels (metadata, scripts)."""
    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))
        image = ImageOps.exif_transpose(image).convert("RGBA")
        image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
