"""The components this room contributes to the ``llmd-infra`` Pulumi package (every Pulumi language).

Read by :func:`llmd_infra.component_provider.hosted_components`; importing it imports ``pulumi_kubernetes``
and ``pulumi_aws`` (the placement groups of multi-host MachineSets).
"""

import pulumi

from llmd_infra.providers.openshift.cluster import OpenShiftCluster

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (OpenShiftCluster,)
