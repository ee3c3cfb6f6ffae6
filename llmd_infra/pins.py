"""Versions llmd-infra installs by default, each with the source that justifies it.

Minimums llm-d requires live in :mod:`llmd_infra.requirements`; this table holds the defaults we
choose within those bounds. Config may override a pin; validation then checks the override against
the requirement record, never against a number written here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pin:
    """A default version and why it was chosen."""

    name: str
    version: str
    source: str
    chart: str = ""
    repository: str = ""
    namespace: str = ""


LWS = Pin(
    name="lws",
    # llm-d's docs moved 0.7.0 -> 0.9.0 (docs/infrastructure/multi-node.md, e600c3f, #1858) -> 0.11.1
    # with enableDisaggregatedSet=true (newer guides/wide-ep, pd-disaggregation). 0.11.x is not in the
    # kubernetes-sigs/lws tag list we can verify (newest v0.10.0, 2026-08-11), so the default is the
    # 0.9.0 llm-d recommends in docs/infrastructure/multi-node.md; guides that need DisaggregatedSet
    # set llmd-infra:addons.lws.version to 0.11.1 and enableDisaggregatedSet: true.
    version="0.9.0",
    source="llm-d docs/infrastructure/multi-node.md @e600c3f (#1858); kubernetes-sigs/lws tags",
    chart="oci://registry.k8s.io/lws/charts/lws",
    namespace="lws-system",
)
