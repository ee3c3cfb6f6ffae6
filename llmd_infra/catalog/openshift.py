"""OpenShift releases and the Kubernetes minor each one ships (accelerator-catalog.md §5c).

Sources: Red Hat release notes (4.15 → 1.28), OKD docs (4.16 → 1.29), third-party repositories for
4.17-4.21. 4.22 is left out: two sources say Kubernetes 1.35, one says 1.34, and an unknown stays
unknown rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

OPENSHIFT_KUBERNETES: Mapping[int, int] = MappingProxyType(
    {15: 28, 16: 29, 17: 30, 18: 31, 19: 32, 20: 33, 21: 34}
)
"""OpenShift 4.<key> ships Kubernetes 1.<value>."""

OPENSHIFT_SOURCE = "accelerator-catalog.md §5c (Red Hat release notes; OKD docs; third-party for 4.17-4.21)"
