"""The components this room contributes to the ``llmd-infra`` Pulumi package (every Pulumi language).

Read by :func:`llmd_infra.component_provider.hosted_components`; importing it imports ``pulumi_digitalocean``.
"""

import pulumi

from llmd_infra.providers.doks.cluster import DoksCluster

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (DoksCluster,)
