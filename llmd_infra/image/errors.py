"""The one error ``image-check`` raises for input it cannot read (the CLI exits 2 on it)."""

from __future__ import annotations

from llmd_infra.errors import LlmdInfraError


class ImageError(LlmdInfraError):
    """PATH is not an image this checker reads, or the image is malformed (missing blob, bad JSON)."""
