"""Profile pictures: re-encoded by Pillow, cropped to a square and stored under a random name."""

import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

AVATAR_SIZE = 256


def save_avatar(user, uploaded) -> None:
    """Replaces the user's picture with `uploaded` (already validated as an image), or
    removes it when `uploaded` is None. Re-encoding drops anything but the pixels."""
    old_name = user.avatar.name if user.avatar else ""
    if uploaded is None:
        user.avatar = ""
    else:
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image = ImageOps.exif_transpose(image).convert("RGBA")
            image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
        user.avatar.save(f"{uuid.uuid4().hex}.png", ContentFile(buffer.getvalue()), save=False)
    user.save(update_fields=["avatar"])
    if old_name:
        user.avatar.storage.delete(old_name)
