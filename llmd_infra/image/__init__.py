"""``llmd-infra image-check``: does a vLLM image follow llm-d's image conventions?

Reads an image without a container runtime (an OCI layout directory, a ``docker save`` or OCI
archive, or an image config JSON alone), streams its layers once without extracting them, and
reports each convention of llm-d's infrastructure prerequisites as a :class:`Result` (pass, fail
or unknown) under the requirement ids of ``llmd_infra.requirements``.
"""

from __future__ import annotations

from llmd_infra.image.check import Report, check_image
from llmd_infra.image.checks import RESULT_IDS, Result
from llmd_infra.image.errors import ImageError

__all__ = ["RESULT_IDS", "ImageError", "Report", "Result", "check_image"]
