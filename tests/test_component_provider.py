"""The llmd-infra plugin over the provider protocol, as the Pulumi engine drives it.

The plugin runs as its own process (``python provider/ <engine address>``, as the language host
starts it) and prints its port; the test calls ``GetSchema`` and ``Construct`` over gRPC. For
``Construct`` the test plays the engine: it serves the offline engine's recording monitor (and a
minimal Engine service for logs) on localhost, so the component's children register exactly as in
``run_callable`` — and the two recorded plans must be the same.
"""

import dataclasses
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import settings
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    errors_pb2,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2_grpc,
    status_pb2,
)

from llmd_infra.plan.engine import RecordingMonitor, _Mocks, run_callable
from llmd_infra.plan.graph import PlannedResource
from llmd_infra.plan.values import UNKNOWN, Secret, from_struct

REPO = Path(__file__).resolve().parents[1]
PROJECT, STACK, NAME = "my-program", "prod", "inference"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
HOSTED, PYTHON = "llmd-infra:index:GkeCluster", "llmd-infra:gke:GkeCluster"

# The README's Python example. No free-form maps (labels): their keys must not be camel-cased below.
ARGS: dict[str, Any] = {
    "project": "my-gcp-project",
    "region": "us-central1",
    "zones": ["us-central1-b"],
    "kubernetes_version": "1.34",
    "network": {"master_authorized_networks": [{"cidr": "203.0.113.0/24", "name": "office"}]},
    "accelerator_pools": [
        {"name": "h200", "machine_type": "a3-ultragpu-8g", "node_count": 2, "multi_host": True,
         "rdma": "dranet", "reservation": {"name": "my-h200-reservation"}},
    ],
}


def wire(value: Any) -> Any:
    """Python args → the engine's property names (what a TypeScript or YAML program sends)."""
    if isinstance(value, dict):
        return {camel_case(k): wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


class _Monitor(resource_pb2_grpc.ResourceMonitorServicer):  # type: ignore[misc]
    """The offline engine's RecordingMonitor, served over gRPC (one fresh recorder per Construct)."""

    def __init__(self) -> None:
        self.recorder: RecordingMonitor | None = None
        self.preview = True

    def fresh(self, preview: bool) -> RecordingMonitor:
        self.preview = preview
        self.recorder = RecordingMonitor(_Mocks(preview), PROJECT, STACK)
        self.recorder.stack_urn = STACK_URN
        return self.recorder

    def SupportsFeature(self, request: Any, _context: Any) -> Any:
        from pulumi.runtime.proto import resource_pb2

        assert self.recorder is not None
        return resource_pb2.SupportsFeatureResponse(hasSupport=self.recorder.SupportsFeature(request).hasSupport)


def _forward(method: str) -> Any:
    def call(self: _Monitor, request: Any, _context: Any) -> Any:
        # The SDK's (de)serialization reads "preview?" from a context variable; gRPC threads start without it.
        settings.SETTINGS.dry_run = self.preview
        return getattr(self.recorder, method)(request)

    return call


for _method in ("GetDeploymentInfo", "RegisterResource", "RegisterResourceOutputs", "Invoke", "ReadResource",
                "RegisterPackage", "SignalAndWaitForShutdown"):
    setattr(_Monitor, _method, _forward(_method))


class _Engine(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    def __init__(self) -> None:
        self.logs: list[tuple[int, str]] = []

    def Log(self, request: Any, _context: Any) -> Any:
        self.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, _context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=STACK_URN)

    def SetRootResource(self, request: Any, _context: Any) -> Any:
        return engine_pb2.SetRootResourceResponse()


@dataclasses.dataclass
class Harness:
    provider: Any
    monitor: _Monitor
    engine: _Engine
    monitor_address: str

    def construct(
        self, inputs: dict[str, Any], preview: bool = True, protect: bool | None = None, type_: str = HOSTED
    ) -> tuple[Any, list[PlannedResource]]:
        recorder = self.monitor.fresh(preview)
        struct = struct_pb2.Struct()
        struct.update(inputs)
        request = provider_pb2.ConstructRequest(
            project=PROJECT, stack=STACK, organization="organization", dryRun=preview,
            monitorEndpoint=self.monitor_address, type=type_, name=NAME, parent=STACK_URN, inputs=struct,
        )
        if protect is not None:
            request.protect = protect
        response = self.provider.Construct(request, timeout=180)
        return response, list(recorder.records)


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    monitor, engine = _Monitor(), _Engine()
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(monitor, server)
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "provider"), f"127.0.0.1:{port}"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            process.kill()
            _, err = process.communicate(timeout=30)
            pytest.fail(f"the plugin did not print its port: {line!r}\n{err}")
        channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        yield Harness(provider_pb2_grpc.ResourceProviderStub(channel), monitor, engine, f"127.0.0.1:{port}")
        channel.close()
    finally:
        process.terminate()
        process.communicate(timeout=30)
        server.stop(None)


def _normalized(records: list[PlannedResource], hosted: str = HOSTED, python: str = PYTHON) -> list[dict[str, Any]]:
    """The plan with the hosted component token read as the Python one (the only intended difference
    besides where each resource was registered from: the provider host's call stack, not the program's)."""
    rows = [{k: v for k, v in dataclasses.asdict(r).items() if k != "source_frames"} for r in records]
    text = json.dumps(rows, default=repr, sort_keys=True)
    return sorted(json.loads(text.replace(hosted, python)), key=lambda r: r["urn"])


def test_get_schema_is_the_committed_schema(harness: Harness) -> None:
    response = harness.provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    served = json.loads(response.schema)
    assert served == json.loads((REPO / "provider" / "schema.json").read_text())
    # Every provider room's cluster, each a component.
    assert {token: r["isComponent"] for token, r in served["resources"].items()} == {
        "llmd-infra:index:GkeCluster": True,
        "llmd-infra:index:DoksCluster": True,
        "llmd-infra:index:OpenShiftCluster": True,
        "llmd-infra:index:MinikubeCluster": True,
    }


def test_construct_records_the_plan_the_python_component_records(harness: Harness) -> None:
    from llmd_infra.providers.gke import GkeCluster

    response, hosted = harness.construct(wire(ARGS))
    direct = run_callable(lambda: GkeCluster(NAME, ARGS), project=PROJECT, stack=STACK).resources

    component = next(r for r in hosted if r.parent == STACK_URN)
    assert (component.type, component.urn) == (HOSTED, f"urn:pulumi:{STACK}::{PROJECT}::{HOSTED}::{NAME}")
    assert response.urn == component.urn
    # Everything else is identical: every child's URN (modulo the parent token), type, inputs and options.
    assert len(hosted) == len(direct) > 20
    assert _normalized(hosted) == _normalized(direct)
    # A Construct without the protect option keeps the component's default, as in Python: the cluster
    # and the accelerator pool are protected, the component itself is not.
    protected = {r.name for r in hosted if r.protect}
    assert {f"{NAME}-cluster", f"{NAME}-h200-nodes"} <= protected
    assert NAME not in protected


def test_an_explicit_protect_option_is_the_callers_choice(harness: Harness) -> None:
    _, unprotected = harness.construct(wire(ARGS), protect=False)
    assert {f"{NAME}-cluster", f"{NAME}-h200-nodes"}.isdisjoint({r.name for r in unprotected if r.protect})
    _, protected = harness.construct(wire(ARGS), protect=True)
    assert {NAME, f"{NAME}-cluster", f"{NAME}-h200-nodes"} <= {r.name for r in protected if r.protect}


def test_construct_returns_typed_outputs_and_a_secret_kubeconfig(harness: Harness) -> None:
    response, records = harness.construct(wire(ARGS), preview=False)
    state = from_struct(response.state)
    assert set(state) == {"kubeconfig", "clusterName", "k8sProvider", "systemNodePool", "acceleratorPools"}
    kubeconfig = state["kubeconfig"]
    assert isinstance(kubeconfig, Secret) and kubeconfig.value is not UNKNOWN
    assert "gke-gcloud-auth-plugin" in kubeconfig.value
    assert state["clusterName"] == NAME
    urns = {r.type: r.urn for r in records}
    assert state["k8sProvider"].urn == urns["pulumi:providers:kubernetes"]
    assert state["systemNodePool"].urn == next(
        r.urn for r in records if r.type == "gcp:container/nodePool:NodePool" and r.name == f"{NAME}-system-nodes"
    )
    [pool] = state["acceleratorPools"]
    assert (pool["name"], pool["accelerator"], pool["multiHost"], pool["minNodes"]) == ("h200", "H200", True, 2)


def test_bad_input_fails_before_anything_is_registered(harness: Harness) -> None:
    """One input-property error per problem, in the caller's property names, and nothing registered."""
    pool = {**ARGS["accelerator_pools"][0], "machine_type": "a3-megagpu-9g"}
    bad = wire({**ARGS, "region": "us-central", "accelerator_pools": [pool]})
    with pytest.raises(grpc.RpcError) as caught:
        harness.construct(bad)
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "invalid inputs of GkeCluster inference (2 problems)"
    status = status_pb2.Status.FromString(dict(error.trailing_metadata())["grpc-status-details-bin"])
    details = errors_pb2.InputPropertiesError()
    assert status.details[0].Unpack(details)
    problems = {e.property_path: e.reason for e in details.errors}
    assert problems["region"] == "'us-central' is not a GCP region (e.g. us-central1)"
    assert re.fullmatch(r"unknown GKE accelerator machine type 'a3-megagpu-9g'; allowed: .*a3-ultragpu-8g.*",
                        problems["acceleratorPools[0].machineType"])
    assert len(problems) == 2
    assert harness.monitor.recorder is not None and harness.monitor.recorder.records == []


# --- the other rooms' clusters ---------------------------------------------------------------------

KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters:\n- name: ocp\n  cluster: {server: 'https://api.ocp.example.com:6443'}\n"
    "contexts:\n- name: admin\n  context: {cluster: ocp, user: admin}\ncurrent-context: admin\n"
    "users:\n- name: admin\n  user: {token: sha256~offline}\n"
)

# Per component: its Python class (module, name) and args with enum values, nested types and lists
# (no free-form maps whose keys the wire() helper would camel-case, but AWS zone names, which stay as they are).
OTHER_ROOMS: dict[str, tuple[str, dict[str, Any]]] = {
    "DoksCluster": ("llmd_infra.providers.doks", {
        "region": "atl1",
        "kubernetes_version": "1.33",
        "maintenance_window": {"day": "saturday", "start_time": "03:00"},
        "network": {"vpc_cidr": "10.110.0.0/20", "control_plane_firewall": {"allowed_addresses": ["203.0.113.0/24"]}},
        "fabric": {"cidr": "192.168.64.0/21", "ipam": "whereabouts"},
        "accelerator_pools": [
            {"name": "mi300x", "size": "gpu-mi300x8-1536gb-fabric-contracted", "node_count": 2, "multi_host": True,
             "taints": [{"key": "dedicated", "value": "llm-d", "effect": "NoSchedule"}]},
            {"name": "h100", "size": "gpu-h100x1-80gb", "autoscaling": {"min_nodes": 1, "max_nodes": 3}},
        ],
    }),
    "OpenShiftCluster": ("llmd_infra.providers.openshift", {
        "openshift_version": "4.20",
        "infrastructure": "aws",
        "kubeconfig": KUBECONFIG,
        "aws": {"region": "us-east-2", "infrastructure_id": "ocp-llmd-x7k2p", "ami_id": "ami-0123456789abcdef0",
                "subnets": {"us-east-2a": "subnet-0123456789abcdef0"}, "security_group_ids": ["sg-0123456789abcdef0"]},
        "accelerator_pools": [{"name": "h100", "instance_type": "p5.48xlarge", "replicas": 2, "multi_host": True}],
        "nfd": {"enabled": True},
        "gpu_operator": {"enabled": True},
    }),
    "MinikubeCluster": ("llmd_infra.providers.minikube", {
        "accelerator": "L40S", "accelerator_count": 4, "kubernetes_version": "v1.34.0", "cpus": "16",
    }),
}


def _direct(component: str) -> list[PlannedResource]:
    module, args = OTHER_ROOMS[component]
    cls = getattr(importlib.import_module(module), component)
    return run_callable(lambda: cls(NAME, args), project=PROJECT, stack=STACK).resources


@pytest.mark.parametrize("component", sorted(OTHER_ROOMS))
def test_construct_of_every_room_records_the_plan_the_python_component_records(
    harness: Harness, component: str
) -> None:
    hosted_token, python_token = f"llmd-infra:index:{component}", f"llmd-infra:{component_room(component)}:{component}"
    response, hosted = harness.construct(wire(OTHER_ROOMS[component][1]), type_=hosted_token)
    direct = _direct(component)

    root = next(r for r in hosted if r.parent == STACK_URN)
    assert (root.type, root.urn) == (hosted_token, f"urn:pulumi:{STACK}::{PROJECT}::{hosted_token}::{NAME}")
    assert response.urn == root.urn
    assert len(hosted) == len(direct) > 5
    assert _normalized(hosted, hosted_token, python_token) == _normalized(direct, hosted_token, python_token)


def component_room(component: str) -> str:
    """``DoksCluster`` → ``doks``: the room whose Python token the component registers under."""
    return OTHER_ROOMS[component][0].rsplit(".", 1)[-1]


def test_doks_construct_protects_the_cluster_and_pools_by_default(harness: Harness) -> None:
    _, records = harness.construct(wire(OTHER_ROOMS["DoksCluster"][1]), type_="llmd-infra:index:DoksCluster")
    protected = {r.name for r in records if r.protect}
    assert {f"{NAME}-cluster", f"{NAME}-mi300x-nodes", f"{NAME}-h100-nodes"} <= protected
    assert NAME not in protected


def test_a_hosted_minikube_profile_stays_disposable(harness: Harness) -> None:
    """minikube's default is no protection, in every language: the provider does not add it."""
    token = "llmd-infra:index:MinikubeCluster"
    _, records = harness.construct(wire(OTHER_ROOMS["MinikubeCluster"][1]), type_=token)
    protected = {r.name for r in records if r.protect}
    # Only the LWS CRD guard, protected everywhere (a CRD owning user objects is never deleted).
    assert protected == {r.name for r in _direct("MinikubeCluster") if r.protect} == {f"{NAME}-lws-crd-guard"}
    _, records = harness.construct(wire(OTHER_ROOMS["MinikubeCluster"][1]), type_=token, protect=True)
    assert f"{NAME}-profile" in {r.name for r in records if r.protect}


def test_doks_construct_returns_its_outputs_and_a_secret_kubeconfig(harness: Harness) -> None:
    response, records = harness.construct(
        wire(OTHER_ROOMS["DoksCluster"][1]), preview=False, type_="llmd-infra:index:DoksCluster"
    )
    state = from_struct(response.state)
    assert set(state) == {"kubeconfig", "clusterName", "k8sProvider", "cluster", "acceleratorPools"}
    assert isinstance(state["kubeconfig"], Secret) and state["kubeconfig"].value is not UNKNOWN
    doks = "digitalocean:index/kubernetesCluster:KubernetesCluster"
    assert state["cluster"].urn == next(r.urn for r in records if r.type == doks)
    assert [(p["name"], p["multiHost"], p["minNodes"], p["maxNodes"]) for p in state["acceleratorPools"]] == [
        ("mi300x", True, 2, 2), ("h100", False, 1, 3)]


def _property_errors(harness: Harness, inputs: dict[str, Any], type_: str) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        harness.construct(inputs, type_=type_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = status_pb2.Status.FromString(dict(caught.value.trailing_metadata())["grpc-status-details-bin"])
    details = errors_pb2.InputPropertiesError()
    assert status.details[0].Unpack(details)
    assert harness.monitor.recorder is not None and harness.monitor.recorder.records == []
    return {e.property_path: e.reason for e in details.errors}


def test_bad_doks_input_names_the_property_in_the_callers_terms(harness: Harness) -> None:
    """A value outside an enum is refused by the SDK against the schema; a rule of the model by the component.
    Either way: the property path in the caller's names, and nothing registered."""
    token, args = "llmd-infra:index:DoksCluster", OTHER_ROOMS["DoksCluster"][1]
    assert _property_errors(harness, wire({**args, "maintenance_window": {"day": "someday"}}), token) == {
        "maintenanceWindow.day": "Invalid value someday of type <class 'str'> for enum 'DoksWeekday'"
    }
    pools = [{**args["accelerator_pools"][1], "size": "gpu-h100x1-80gb", "multi_host": True}]
    errors = _property_errors(
        harness, wire({**args, "maintenance_window": {"start_time": "25:00"}, "accelerator_pools": pools}), token
    )
    assert errors["maintenanceWindow.startTime"] == "'25:00' is not a UTC time in HH:MM (24-hour) notation, e.g. 04:00"
    assert errors["acceleratorPools[0].multiHost"].startswith(
        "a multi-host pool needs RDMA between hosts, and gpu-h100x1-80gb has only"
    )
    assert len(errors) == 2
