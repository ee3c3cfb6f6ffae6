"""``gcp``: the Google Cloud SDK as the GKE components name it (``from ... sdk import gcp``).

Checkers see ``pulumi_gcp`` itself, so every class and keyword is checked against the SDK. At run
time ``gcp`` resolves each name on use: the SDK's own class, or — under the offline engine — a
lean stand-in that registers exactly the same resource from ``sdk_spec.json`` without importing
the SDK's generated modules (:mod:`llmd_infra.plan.lean`; regenerate the spec with
``python -m llmd_infra.plan.lean_spec`` after changing which classes the components use).
"""

from pathlib import Path
from typing import TYPE_CHECKING

from llmd_infra.plan.lean import LeanSdk

ALIAS = "gcp"
LEAN = LeanSdk("pulumi_gcp", Path(__file__).with_name("sdk_spec.json"))

if TYPE_CHECKING:
    import pulumi_gcp as gcp
else:
    gcp = LEAN

__all__ = ["ALIAS", "LEAN", "gcp"]
