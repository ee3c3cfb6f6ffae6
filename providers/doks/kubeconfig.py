"""A DOKS kubeconfig with a credential minted at every Pulumi run.

DOKS puts a bearer token in the kubeconfig, and the one a ``KubernetesCluster`` keeps in its state
(``kube_configs``) is fetched when the cluster is created or read: it expires after 7 days (or
``kubeconfig_expire_seconds``) and nothing renews it, so a Kubernetes provider built from it stops
working a week after ``pulumi up`` (pulumi/pulumi-digitalocean#77). The fix upstream recommends
(pulumi/examples ``digitalocean-ts-k8s/index.ts``) is to look the cluster up again at every run; this
module does that with the ``get_kubernetes_cluster`` invoke, which asks the DigitalOcean API for a
new credential each time.

Why the invoke and not ``doctl`` exec credentials: the invoke needs nothing but the
``DIGITALOCEAN_TOKEN`` Pulumi already uses, so CI runners and the policy workflow work without
installing and authenticating ``doctl``. The price: ``pulumi refresh`` and ``pulumi destroy`` do not
run the program and reuse the credential recorded at the last ``up``; after it expired, run them
with ``--run-program`` (see README.md). Each run also mints one more short-lived credential on the
account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_digitalocean as do


def _raw_config(configs: Sequence[Any] | None, cluster_name: str) -> str:
    if not configs:
        raise RuntimeError(f"DigitalOcean returned no kubeconfig for DOKS cluster {cluster_name}")
    raw = configs[0].raw_config
    if not raw:
        raise RuntimeError(f"DigitalOcean returned an empty kubeconfig for DOKS cluster {cluster_name}")
    return str(raw)


def fresh_kubeconfig(
    cluster: do.KubernetesCluster,
    cluster_name: str,
    expire_seconds: int | None,
    parent: pulumi.Resource,
) -> pulumi.Output[str]:
    """The cluster's kubeconfig with a credential minted during this run, as a secret Output.

    The lookup waits for the cluster (``depends_on``), so it runs only once the cluster exists; in a
    preview of a cluster still to be created it is unknown, as every computed output is.
    """
    found = do.get_kubernetes_cluster_output(
        name=cluster.name,
        kubeconfig_expire_seconds=expire_seconds,
        opts=pulumi.InvokeOutputOptions(parent=parent, depends_on=[cluster]),
    )
    return pulumi.Output.secret(found.kube_configs.apply(lambda configs: _raw_config(configs, cluster_name)))
