"""``k8s``: the Kubernetes SDK as the add-ons (and the rooms' in-cluster objects) name it.

Checkers see ``pulumi_kubernetes`` itself, so every class and keyword is checked against the SDK.
At run time ``k8s`` resolves each name on use: the SDK's own class, or — under the offline engine —
a lean stand-in that registers exactly the same resource from ``sdk_spec.json`` without importing
the SDK's generated modules (:mod:`llmd_infra.plan.lean`; regenerate the spec with
``python -m llmd_infra.plan.lean_spec`` after changing which classes the components use).
"""

from pathlib import Path
from typing import TYPE_CHECKING

from llmd_infra.plan.lean import LeanSdk

ALIAS = "k8s"
LEAN = LeanSdk("pulumi_kubernetes", Path(__file__).with_name("sdk_spec.json"))

if TYPE_CHECKING:
    import pulumi_kubernetes as k8s
else:
    k8s = LEAN

__all__ = ["ALIAS", "LEAN", "k8s"]
