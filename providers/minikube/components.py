"""The components this room contributes to the ``llmd-infra`` Pulumi package (every Pulumi language).

Read by :func:`llmd_infra.component_provider.hosted_components`; importing it imports ``pulumi_command``.
"""

import pulumi

from llmd_infra.providers.minikube.cluster import MinikubeCluster

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (MinikubeCluster,)
