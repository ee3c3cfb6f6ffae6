"""The components this room contributes to the ``llmd-infra`` Pulumi package (every Pulumi language).

Read by :func:`llmd_infra.component_provider.hosted_components`; importing it imports ``pulumi_gcp``.
"""

import pulumi

from llmd_infra.providers.gke.cluster import GkeCluster

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (GkeCluster,)
