"""Versions llmd-infra installs by default, each with the source that justifies it.

Minimums llm-d requires live in :mod:`llmd_infra.requirements`; this table holds the defaults we
choose within those bounds. Config may override a pin; validation then checks the override against
the requirement record, never against a number written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmd_infra.requirements import GPU_DRIVER_VERSION


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
    # llm-d's docs moved 0.7.0 -> 0.9.0 (docs/infrastructure/multi-node.md, e600c3f, #1858) -> 0.11.1 with
    # enableDisaggregatedSet=true: the current wide-EP and P/D guides install it with
    # `helm upgrade --install lws oci://registry.k8s.io/lws/charts/lws --version=0.11.1 --namespace lws-system
    # --create-namespace --set enableDisaggregatedSet=true` (https://github.com/llm-d/llm-d/blob/main/guides/
    # pd-disaggregation/README.md, guides/wide-ep/README.md), and guides/wide-ep/preflight.yaml asks for
    # v0.11.0 or newer. The kubernetes-sigs/lws snapshot we could read ends at tag v0.10.0 (2026-08-11), so the
    # 0.11.1 chart itself was not inspected here; its values are taken as llm-d's command passes them.
    version="0.11.1",
    source=(
        "llm-d guides/pd-disaggregation/README.md and guides/wide-ep/README.md (LWS 0.11.1, "
        "enableDisaggregatedSet=true); kubernetes-sigs/lws charts/lws"
    ),
    chart="oci://registry.k8s.io/lws/charts/lws",
    namespace="lws-system",
)


# --- Gateway API and its inference extension (CRDs only) -------------------------------------------
GATEWAY_API = Pin(
    name="gateway-api",
    # llm-d current docs/infrastructure/gateway/install-crds.md and guides/env.sh: GATEWAY_API_VERSION=v1.5.1
    # (bumped from v1.4.0 in a576104, 2026-03-22).
    version="v1.5.1",
    source="llm-d docs/infrastructure/gateway/install-crds.md @ae2ec29; guides/env.sh (a576104)",
    chart="https://github.com/kubernetes-sigs/gateway-api/releases/download/{version}/standard-install.yaml",
)

GAIE = Pin(
    name="gateway-api-inference-extension",
    # llm-d current docs/infrastructure/gateway/install-crds.md: GAIE_VERSION=v1.5.0 (dd71ad4, 2026-05).
    version="v1.5.0",
    source="llm-d docs/infrastructure/gateway/install-crds.md @ae2ec29; guides/env.sh (dd71ad4)",
    chart=(
        "https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/"
        "{version}/v1-manifests.yaml"
    ),
)

# --- NVIDIA ------------------------------------------------------------------------------------------
NVIDIA_HELM_REPO = "https://helm.ngc.nvidia.com/nvidia"

GPU_OPERATOR = Pin(
    name="gpu-operator",
    # Newest GPU Operator tag (NVIDIA/gpu-operator v26.7.0, 2026-08-20;
    # https://github.com/NVIDIA/gpu-operator/releases). Its default driver is 595.91.07, which llm-d's
    # CUDA 12.9.1 images cannot use (driver < 580), so NVIDIA_DRIVER below is always set explicitly
    # when the operator installs the driver.
    version="v26.7.0",
    source="NVIDIA/gpu-operator tag v26.7.0 (10ee5b3, 2026-08-20), deployments/gpu-operator/values.yaml",
    chart="gpu-operator",
    repository=NVIDIA_HELM_REPO,
    namespace="gpu-operator",
)

NVIDIA_DRIVER = Pin(
    name="nvidia-driver",
    # llm-d docs/getting-started/accelerators.md: images use CUDA 12.9.1 (driver >= 525.60.13, < 580);
    # "Recommended driver version: 575.x". 575.57.08 is an R575 data-center driver release; check the
    # nvcr.io/nvidia/driver tag for your node OS (e.g. 575.57.08-ubuntu22.04) before rollout.
    version="575.57.08",
    source="llm-d docs/getting-started/accelerators.md @ae2ec29 (CUDA 12.9.1, 575.x recommended)",
)

NVIDIA_DRIVER_MAJOR_CEILING = GPU_DRIVER_VERSION.below_int()
"""Driver majors at or above this break llm-d's CUDA 12.9.1 images and DeepEP high-throughput kernels:
the ``gpu-driver-version`` requirement record's bound, read from there."""

GPU_OPERATOR_OLM = Pin(
    name="gpu-operator-certified",
    # OLM coordinates from rh-aiservices-bu/ocp-gpu-setup @a66cafb (the repo llm-d's OpenShift page
    # tells users to clone; third-party): channel v25.3, certified-operators.
    version="v25.3",
    source="rh-aiservices-bu/ocp-gpu-setup @a66cafb gpu-operator/ (linked from llm-d's OpenShift page)",
    chart="gpu-operator-certified",
    repository="certified-operators",
    namespace="nvidia-gpu-operator",
)

NETWORK_OPERATOR = Pin(
    name="network-operator",
    # Newest GA Network Operator (Mellanox/network-operator v26.4.1, 2026-07-24,
    # https://github.com/Mellanox/network-operator/releases); the NicClusterPolicy CRD the tests validate
    # against is from the same tag. llm-d's AKS helmfile still pins v25.7.0
    # (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/aks).
    version="v26.4.1",
    source="Mellanox/network-operator tag v26.4.1 (85afd6d, 2026-07-24)",
    chart="network-operator",
    repository=NVIDIA_HELM_REPO,
    namespace="network-operator",
)

DOCA_DRIVER = Pin(
    name="doca-driver",
    # llm-d docs/infrastructure/providers/aks nic-cluster-policy.yaml (https://github.com/llm-d/llm-d/tree/main/docs/infrastructure/providers/aks).
    version="doca3.1.0-25.07-0.9.7.0-0",
    source="llm-d docs/infrastructure/providers/aks/nic-cluster-policy.yaml @7ffda12",
    chart="doca-driver",
    repository="nvcr.io/nvidia/mellanox",
)

RDMA_SHARED_DEVICE_PLUGIN = Pin(
    name="k8s-rdma-shared-dev-plugin",
    version="v1.5.3",
    source="llm-d docs/infrastructure/providers/aks/nic-cluster-policy.yaml @7ffda12",
    chart="k8s-rdma-shared-dev-plugin",
    repository="ghcr.io/mellanox",
)

DRA_DRIVER_GPU = Pin(
    name="nvidia-dra-driver-gpu",
    # llm-d docs/infrastructure/providers/gke/README.md (65f37a7, #1821): helm install
    # nvidia/nvidia-dra-driver-gpu --version="25.8.0" --namespace=nvidia-dra-driver-gpu.
    version="25.8.0",
    source="llm-d docs/infrastructure/providers/gke/README.md @65f37a7 (#1821)",
    chart="nvidia-dra-driver-gpu",
    repository=NVIDIA_HELM_REPO,
    namespace="nvidia-dra-driver-gpu",
)

# --- Node Feature Discovery ----------------------------------------------------------------------------
NFD = Pin(
    name="node-feature-discovery",
    # The NFD the GPU Operator v26.7.0 bundles as a subchart; the NFD CRDs the tests validate
    # against are from the same tag (kubernetes-sigs/node-feature-discovery v0.19.0, 45d276e, 2026-07-10).
    version="0.19.0",
    source="kubernetes-sigs/node-feature-discovery v0.19.0; NVIDIA/gpu-operator v26.7.0 Chart.yaml",
    chart="oci://registry.k8s.io/nfd/charts/node-feature-discovery",
    namespace="node-feature-discovery",
)

NFD_OLM = Pin(
    name="nfd",
    version="stable",
    source="rh-aiservices-bu/ocp-gpu-setup @a66cafb nfd/ (Red Hat NFD operator, redhat-operators)",
    chart="nfd",
    repository="redhat-operators",
    namespace="openshift-nfd",
)

# --- AMD -----------------------------------------------------------------------------------------------
AMD_GPU_OPERATOR = Pin(
    name="amd-gpu-operator",
    # Newest ROCm/gpu-operator tag (v1.5.1, 2026-07-21; https://github.com/ROCm/gpu-operator/releases);
    # the DeviceConfig CRD the tests validate against is from the same tag. README:
    # rocm/gpu-operator-charts into kube-amd-gpu.
    version="v1.5.1",
    source="ROCm/gpu-operator tag v1.5.1 (858cf25, 2026-07-21), README.md",
    chart="gpu-operator-charts",
    repository="https://rocm.github.io/gpu-operator",
    namespace="kube-amd-gpu",
)

CERT_MANAGER = Pin(
    name="cert-manager",
    # The AMD GPU Operator requires cert-manager (ROCm/gpu-operator README). No llm-d pin exists;
    # v1.18.2 is a cert-manager release on the jetstack chart repository (verify newer patches).
    version="v1.18.2",
    source="ROCm/gpu-operator README (prerequisite); cert-manager/cert-manager releases",
    chart="cert-manager",
    repository="https://charts.jetstack.io",
    namespace="cert-manager",
)

# --- OpenShift (OLM) and AWS -------------------------------------------------------------------------
NETWORK_OPERATOR_OLM = Pin(
    name="nvidia-network-operator",
    # The OLM channel of the NETWORK_OPERATOR release above: the v26.4.1 bundle publishes channels
    # "stable,v26.4" (bundle/metadata/annotations.yaml) and supports OwnNamespace/SingleNamespace only
    # (bundle/manifests/nvidia-network-operator.clusterserviceversion.yaml, suggested namespace
    # nvidia-network-operator, com.redhat.openshift.versions v4.17-v4.20).
    version="v26.4",
    source="Mellanox/network-operator tag v26.4.1 bundle/; "
    "Mellanox/network-operator-docs docs/openshift/deployment-guide-openshift.rst",
    chart="nvidia-network-operator",
    repository="certified-operators",
    namespace="nvidia-network-operator",
)

CERT_MANAGER_OLM = Pin(
    name="openshift-cert-manager-operator",
    # cert-manager Operator for Red Hat OpenShift: package openshift-cert-manager-operator, channel
    # stable-v1, namespace cert-manager-operator (operator) / cert-manager (operand, fixed); an OperatorGroup
    # with an empty spec (AllNamespaces), which Red Hat recommends from operator 1.15. Prerequisite of the
    # Leader Worker Set Operator. https://docs.redhat.com/en/documentation/openshift_container_platform/4.20/html/security_and_compliance/cert-manager-operator-for-red-hat-openshift
    version="stable-v1",
    source="Red Hat OpenShift docs, cert-manager Operator for Red Hat OpenShift (installing with the CLI); "
    "github.com/openshift/cert-manager-operator",
    chart="openshift-cert-manager-operator",
    repository="redhat-operators",
    namespace="cert-manager-operator",
)

LWS_OPERATOR_OLM = Pin(
    name="leader-worker-set",
    # Red Hat's Leader Worker Set Operator: package leader-worker-set, channel stable-v1.0, namespace
    # openshift-lws-operator ("A specific namespace on the cluster"), CR LeaderWorkerSetOperator "cluster"
    # (https://docs.redhat.com/en/documentation/openshift_container_platform/4.20/html/ai_workloads/leader-worker-set-operator;
    # openshift/lws-operator manifests/, fbc branch v4.20/catalog/lws-operator/catalog.json: channel
    # stable-v1.0 -> leader-worker-set.v1.0.0). Operator 1.0's operand is upstream LWS 0.7.0: the
    # lws-operand-1-0 component builds openshift/kubernetes-sigs-lws branch release-0.7.0 (appVersion v0.7.0).
    version="stable-v1.0",
    source="Red Hat OpenShift docs, AI workloads: Leader Worker Set Operator; openshift/lws-operator; "
    "openshift/kubernetes-sigs-lws release-0.7.0",
    chart="leader-worker-set",
    repository="redhat-operators",
    namespace="openshift-lws-operator",
)

EFA_DEVICE_PLUGIN = Pin(
    name="aws-efa-k8s-device-plugin",
    # aws/eks-charts stable/aws-efa-k8s-device-plugin Chart.yaml @bfe91c4 (2026-07-21): chart v0.5.30,
    # appVersion v0.5.20. The chart's default image is in an EKS-only ECR account; the same image is
    # mirrored at public.ecr.aws/eks/aws-efa-k8s-device-plugin (check the tag there before rollout).
    version="v0.5.30",
    source="aws/eks-charts stable/aws-efa-k8s-device-plugin @bfe91c4",
    chart="aws-efa-k8s-device-plugin",
    repository="https://aws.github.io/eks-charts",
    namespace="aws-efa-device-plugin",
)

EFA_DEVICE_PLUGIN_IMAGE = ("public.ecr.aws/eks/aws-efa-k8s-device-plugin", "v0.5.20")
"""The device plugin image (repository, tag): the chart's appVersion from the public ECR mirror."""

# --- Kueue (topology-aware scheduling of multi-host groups) ----------------------------------------
KUEUE = Pin(
    name="kueue",
    # Newest Kueue release (kubernetes-sigs/kueue v0.19.2, 8eab687, 2026-08-20); the Topology,
    # ResourceFlavor, ClusterQueue and LocalQueue CRDs the tests validate against are from the same tag.
    # llm-d pins no Kueue version (guides/prereq/infrastructure: "(Optional)", the LWS TAS user guide).
    # Install as Kueue documents it: helm install kueue oci://registry.k8s.io/kueue/charts/kueue
    # --namespace kueue-system --wait (site/content/en/docs/getting-started/installation.md @v0.19.2).
    version="0.19.2",
    source="kubernetes-sigs/kueue tag v0.19.2 (8eab687, 2026-08-20), charts/kueue/values.yaml",
    chart="oci://registry.k8s.io/kueue/charts/kueue",
    namespace="kueue-system",
)

KUEUE_OLM = Pin(
    name="kueue-operator",
    # Red Hat build of Kueue (OLM package kueue-operator, redhat-operators, AllNamespaces install mode only:
    # openshift/kueue-operator bundle/manifests/kueue-operator.clusterserviceversion.yaml @release-1.3).
    # Version 1.3 ships Kueue 0.16 with the kueue.x-k8s.io/v1beta2 API and the LeaderWorkerSet integration
    # (https://docs.redhat.com/en/documentation/openshift_container_platform/4.21/html/ai_workloads/release-notes-1.3_release-notes).
    # Its channels are named stable-v<major.minor>; check them with
    # oc get packagemanifest kueue-operator -o jsonpath='{.status.channels[*].name}'.
    version="stable-v1.3",
    source="openshift/kueue-operator release-1.3 (kueue-operator.v1.3.1, upstream Kueue release-0.16); "
    "Red Hat build of Kueue 1.3 release notes",
    chart="kueue-operator",
    repository="redhat-operators",
    namespace="openshift-kueue-operator",
)
