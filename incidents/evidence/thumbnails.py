"""Small previews of image evidence, drawn by the server: the image decoded and written
again as a fresh PNG of at most 320 px, so nothing of the original file (scripts in an SVG,
a polyglot's other half, metadata) reaches the browser. Made once per file, kept beside it
in storage under the file's hash."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, UnidentifiedImageError

from incidents.models import EvidenceBlob

# What Pillow decodes here; SVG is not among them (it is a document, not a picture).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
SIZE = (320, 320)
# A picture larger than this is not decoded at all (a decompression bomb's defence).
MAX_PIXELS = 60_000_000


def has_thumbnail(blob: EvidenceBlob) -> bool:
    return blob.content_type in IMAGE_TYPES and blob.purged_at is None


def thumbnail(blob: EvidenceBlob) -> bytes | None:
    """The PNG preview, from storage or drawn now; None when the bytes are not a picture
    Pillow can read safely."""
    if not has_thumbnail(blob):
        return None
    storage = storages["evidence"]
    name = f"thumbnails/{blob.sha256}.png"
    if storage.exists(name):
        with storage.open(name, "rb") as kept:
            return bytes(kept.read())
    drawn = _draw(blob)
    if drawn is not None:
        storage.save(name, ContentFile(drawn))
    return drawn


def _draw(blob: EvidenceBlob) -> bytes | None:
    try:
        with (
            storages["evidence"].open(blob.storage_name, "rb") as source,
            Image.open(source) as picture,
        ):
            width, height = picture.size
            if width * height > MAX_PIXELS:
                return None
            picture.thumbnail(SIZE)
            out = io.BytesIO()
            picture.convert("RGBA").save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
