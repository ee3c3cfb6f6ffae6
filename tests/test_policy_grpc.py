"""The pack as the Pulumi CLI runs it: a subprocess served over the analyzer gRPC protocol.

The CLI starts a Python policy pack as ``python -u -m pulumi.policy <engine-address> .`` with the
pack folder as working directory (``NewPolicyAnalyzer`` in ``sdk/go/common/resource/plugin/
analyzer_plugin.go``: ``args := []string{host.ServerAddr(), "."}``), reads the port from the first
line of stdout, then calls ``GetAnalyzerInfo``, ``Configure``, ``Remediate``/``Analyze`` per resource
and ``AnalyzeStack``. This test does the same without an engine (the address is never dialled by
Python packs) and requires the verdicts to equal :func:`analyze_plan`'s — which, unlike this test,
skips resource types no policy judges and uses per-type servicers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pulumi_digitalocean as do
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import pytest
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from llmd_infra.plan.analyze import analyze_plan, analyze_request, configure_request, stack_request, violations_from
from llmd_infra.plan.engine import run_callable
from llmd_infra.plan.graph import Plan
from llmd_infra.policy import config as pack_config
from llmd_infra.policy.pack import ALL_POLICIES, PACK_NAME, PACK_POLICIES

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policies"
GKE = gcp.container


def program() -> None:
    """Raw resources touching every policy family, including a value unknown in preview."""
    cluster = GKE.Cluster(
        "gke",
        location="us-central1",
        min_master_version="1.28",
        enable_legacy_abac=True,
        opts=pulumi.ResourceOptions(protect=True),
    )
    GKE.NodePool(
        "h100",
        cluster=cluster.name,
        location="us-central1",
        node_locations=["us-central1-a", "us-central1-b"],
        node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="a3-highgpu-8g",
            labels={"llm-d.ai/multi-host": "true"},
            guest_accelerators=[GKE.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-h100-80gb", count=8)],
        ),
    )
    GKE.NodePool("dynamic", cluster=cluster.name, node_config=GKE.NodePoolNodeConfigArgs(machine_type=cluster.name))
    # Judged with its cluster by stack companions, through the propertyDependencies the engine sends:
    # no nodeLocations in a regional cluster without any (multi-host-placement-cluster), auto-upgrade off
    # in a cluster without a release channel (gke-node-auto-upgrade), an Ubuntu CPU pool (gke-cos-image).
    GKE.NodePool(
        "inherits",
        cluster=cluster.name,
        location="us-central1",
        management=GKE.NodePoolManagementArgs(auto_upgrade=False),
        placement_policy=GKE.NodePoolPlacementPolicyArgs(type="COMPACT"),
        node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="ct6e-standard-4t", image_type="UBUNTU_CONTAINERD", labels={"llm-d.ai/multi-host": "true"}
        ),
    )
    GKE.NodePool(
        "t4",
        cluster="c",
        node_config=GKE.NodePoolNodeConfigArgs(
            machine_type="n1-standard-8",
            guest_accelerators=[GKE.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-tesla-t4", count=1)],
        ),
    )
    do.KubernetesCluster(
        "doks",
        region="nyc2",
        version="1.28.2-do.0",
        surge_upgrade=False,
        node_pool=do.KubernetesClusterNodePoolArgs(name="gpu", size="gpu-h100x8-640gb", node_count=1),
    )
    provider = k8s.Provider("k8s", kubeconfig=pulumi.Output.secret("apiVersion: v1"))
    k8s.helm.v3.Release(
        "lws",
        chart="oci://registry.k8s.io/lws/charts/lws",
        version="0.6.0",
        opts=pulumi.ResourceOptions(provider=provider),
    )
    k8s.core.v1.ConfigMap("unrelated", data={"a": "b"}, opts=pulumi.ResourceOptions(provider=provider))
    k8s.apiextensions.CustomResource(
        "workers",
        api_version="machine.openshift.io/v1beta1",
        kind="MachineSet",
        metadata={"name": "workers", "namespace": "openshift-machine-api"},
        spec={"template": {"spec": {"providerSpec": {"value": {"instanceType": "p3.16xlarge", "publicIp": True}}}}},
    )
    pulumi.export("kubeconfig", pulumi.Output.secret("apiVersion: v1"))


@pytest.fixture(scope="module")
def plan() -> Plan:
    return run_callable(program)


@pytest.fixture(scope="module")
def stub() -> Iterator[Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PACK_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()
        if not line.isdigit():
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"pack did not print a port: {line!r}\n{err.decode()}")
        channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_analyzer_info_lists_the_pack_policies_with_schemas(stub: Any) -> None:
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert info.supportsConfig
    assert [p.name for p in info.policies] == [s.name for s in PACK_POLICIES]
    for policy, spec in zip(info.policies, PACK_POLICIES, strict=True):
        assert policy.description == spec.full_description
        assert policy.remediation_steps == spec.remediation
        assert analyzer_pb2.EnforcementLevel.Name(policy.enforcementLevel).lower() == spec.enforcement
        schema = json_format.MessageToDict(policy.configSchema).get("properties", {})
        assert schema == {k: dict(v) for k, v in spec.config_properties.items()}


CONFIGS: list[dict[str, Any]] = [
    {},
    {
        "all": "mandatory",
        "host-pcie-generation": "disabled",
        "kubernetes-version": {"minimumVersion": "1.30"},
        "gke-legacy-abac-disabled": "remediate",
        "doks-surge-upgrade": "remediate",
    },
]


@pytest.mark.parametrize("policy_config", CONFIGS, ids=["defaults", "configured"])
def test_subprocess_verdicts_equal_in_process(stub: Any, plan: Plan, policy_config: dict[str, Any]) -> None:
    reconciled = pack_config.reconcile(ALL_POLICIES, pack_config.parse_config(policy_config, "test"))
    harness = {s.name for s in ALL_POLICIES if s.harness_only}
    stub.Configure(configure_request({k: v for k, v in reconciled.items() if k not in harness}))
    remediating = any(v.enforcement == "remediate" for v in reconciled.values())

    providers = {r.urn: r for r in plan.resources if r.is_provider}
    remote = []
    for resource in plan.resources:  # every resource, as the engine sends them
        request = analyze_request(resource, providers)
        if remediating:
            for remediation in stub.Remediate(request).remediations:
                if remediation.properties.fields:
                    request.properties.CopyFrom(remediation.properties)
        remote += violations_from(stub.Analyze(request), resource.urn)
    remote += violations_from(stub.AnalyzeStack(stack_request(plan)), "")

    local = [v for v in analyze_plan(plan, policy_config).violations if v.policy not in harness]
    assert remote == local
    judged = {v.policy for v in local}
    assert {"multi-host-placement-cluster", "gke-node-auto-upgrade", "gke-cos-image"} <= judged  # via the stack
    assert {"openshift-machineset-imdsv2", "openshift-machineset-no-public-ip", "accelerator-supported"} <= judged
    assert any(v.message.startswith("can't run policy") for v in local)  # the preview downgrade is covered
    assert len(local) > 10
