"""The offline plan engine records exactly what the Pulumi engine would see."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmd_infra.errors import ProgramError, ProjectError
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.values import UNKNOWN, UNKNOWN_SENTINEL, Secret

PROGRAMS = Path(__file__).parent / "programs"
STACK = "urn:pulumi:prod::graph-demo::pulumi:pulumi:Stack::graph-demo-prod"
BOX = "urn:pulumi:prod::graph-demo::demo:index:Box::box"


def test_graph_of_a_component_program_is_recorded_exactly() -> None:
    plan = run_program(PROGRAMS / "graph_demo", "prod")
    rows = [(r.urn, r.type, r.name, r.parent, r.dependencies, r.protect, r.ignore_changes, r.custom) for r in plan]
    assert rows == [
        (BOX, "demo:index:Box", "box", STACK, [], False, [], False),
        (
            "urn:pulumi:prod::graph-demo::demo:index:Box$kubernetes:core/v1:ConfigMap::box-cm",
            "kubernetes:core/v1:ConfigMap", "box-cm", BOX,
            ["urn:pulumi:prod::graph-demo::demo:index:Box$kubernetes:core/v1:Namespace::box-ns"],
            False, ["data"], True,
        ),
        (
            "urn:pulumi:prod::graph-demo::demo:index:Box$kubernetes:core/v1:Namespace::box-ns",
            "kubernetes:core/v1:Namespace", "box-ns", BOX, [], True, [], True,
        ),
        (
            "urn:pulumi:prod::graph-demo::demo:index:Box$pulumi:providers:kubernetes::box-k8s",
            "pulumi:providers:kubernetes", "box-k8s", BOX, [], False, [], True,
        ),
    ]
    assert plan.stack_urn == STACK
    namespace = plan.named("box-ns")
    # Explicit provider: a reference to the provider URN, whose id is unknown in preview.
    assert namespace.provider == (
        "urn:pulumi:prod::graph-demo::demo:index:Box$pulumi:providers:kubernetes::box-k8s::" + UNKNOWN_SENTINEL
    )
    assert namespace.inputs == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}}
    # Component props as the engine sees them, and what register_outputs sent.
    assert plan.named("box").inputs == {"size": 1}
    assert plan.named("box").outputs == {"namespace": "demo"}
    # Config: stack file (stackConfigDir) overrides the Pulumi.yaml default; objects are decoded.
    assert plan.named("box-cm").inputs["data"] == {"replicas": "3"}
    assert plan.outputs == {"namespace": "demo", "zones": ["a", "b"]}
    assert plan.config_file is not None and plan.config_file.endswith("config/Pulumi.prod.yaml")


def test_project_config_defaults_apply_without_a_stack_file() -> None:
    plan = run_program(PROGRAMS / "graph_demo", "other", config={"settings": '{"zones": ["z"]}'})
    assert plan.named("box-cm").inputs["data"] == {"replicas": "1"}
    assert plan.outputs["zones"] == ["z"]
    assert plan.config_file is None


def test_program_modules_do_not_leak_between_runs() -> None:
    run_program(PROGRAMS / "graph_demo", "prod")
    assert "helpers" not in sys.modules


def test_raw_gcp_program_in_preview_marks_unknowns_and_secrets() -> None:
    plan = run_program(PROGRAMS / "raw_gcp", "dev")
    assert [(r.type, r.name) for r in plan] == [
        ("gcp:container/cluster:Cluster", "gpu-cluster"),
        ("gcp:container/nodePool:NodePool", "h100"),
    ]
    cluster, pool = plan.resources
    assert cluster.protect is True
    assert cluster.inputs == {
        "deletionProtection": True,
        "initialNodeCount": 1,
        "location": "us-central1",
        "minMasterVersion": "1.33",
        "removeDefaultNodePool": True,
    }
    assert pool.dependencies == [cluster.urn]
    assert pool.property_dependencies["cluster"] == [cluster.urn]
    assert pool.inputs["cluster"] is UNKNOWN
    assert pool.inputs["nodeCount"] == 2
    assert pool.ignore_changes == ["nodeCount"]
    assert pool.inputs["nodeConfig"] == {
        "machineType": "a3-highgpu-8g",
        "guestAccelerators": [{"type": "nvidia-h100-80gb", "count": 8}],
    }
    doc = plan.to_json()
    assert doc["outputs"] == {
        "endpoint": {"unknown": True},
        "kubeconfig": {"secret": True, "unknown": True},
        "token": {"secret": True},
    }
    assert doc["resources"][1]["inputs"]["cluster"] == {"unknown": True}
    assert doc["resources"][0]["protect"] is True and doc["resources"][1]["ignoreChanges"] == ["nodeCount"]
    assert set(doc) == {"project", "stack", "preview", "resources", "outputs", "violations", "summary"}
    assert doc["summary"]["resources"] == 2 and doc["summary"]["protected"] == 1


def test_update_mode_fills_computed_outputs() -> None:
    plan = run_program(PROGRAMS / "raw_gcp", "dev", preview=False)
    cluster = plan.resources[0]
    assert cluster.outputs["endpoint"].startswith("203.0.113.")
    assert plan.outputs["endpoint"] == cluster.outputs["endpoint"]
    assert isinstance(plan.outputs["kubeconfig"], Secret)
    assert plan.outputs["kubeconfig"].value == f"server: https://{cluster.outputs['endpoint']}"


def test_raw_doks_program_kubeconfig_is_secret_via_additional_secret_outputs() -> None:
    plan = run_program(PROGRAMS / "raw_doks", "dev", preview=False)
    cluster, pool = plan.resources
    assert cluster.type == "digitalocean:index/kubernetesCluster:KubernetesCluster"
    assert isinstance(cluster.outputs["kubeConfigs"], Secret)
    assert isinstance(plan.outputs["kubeconfig"], Secret)
    assert pool.inputs["labels"] == {"llm-d.ai/multi-host": "true"}
    assert pool.inputs["clusterId"] == cluster.id


def test_raw_k8s_program_and_config_override() -> None:
    plan = run_program(PROGRAMS / "raw_k8s", "dev", config={"lwsVersion": "0.6.1"})
    release = plan.named("lws", "kubernetes:helm.sh/v3:Release")
    assert release.inputs["chart"] == "oci://registry.k8s.io/lws/charts/lws"
    assert release.inputs["version"] == "0.6.1"
    assert release.property_dependencies["namespace"] == [plan.named("lws-system").urn]


def test_runs_are_isolated_from_each_other() -> None:
    first = run_program(PROGRAMS / "raw_k8s", "a")
    second = run_program(PROGRAMS / "raw_k8s", "b")
    assert [r.urn for r in first] == [
        "urn:pulumi:a::raw-k8s::kubernetes:core/v1:Namespace::lws-system",
        "urn:pulumi:a::raw-k8s::kubernetes:helm.sh/v3:Release::lws",
    ]
    assert [r.urn for r in second] == [u.replace(":a::", ":b::") for u in (r.urn for r in first)]


def test_program_errors_are_reported_with_the_partial_plan() -> None:
    with pytest.raises(ProgramError) as info:
        run_program(PROGRAMS / "broken", "dev")
    broken = PROGRAMS / "broken" / "__main__.py"
    assert str(info.value).endswith("broken/__main__.py:4: the program raised RuntimeError: boom: the program failed")
    assert info.value.where in (f"{broken}:4", "tests/programs/broken/__main__.py:4")
    assert "Traceback" in info.value.details
    assert info.value.plan.resources == []


def test_missing_project_and_stack_file_errors() -> None:
    with pytest.raises(ProjectError, match="no Pulumi\\.yaml in"):
        run_program(PROGRAMS, "dev")
    with pytest.raises(ProjectError, match="does not exist"):
        run_program(PROGRAMS / "raw_k8s", "dev", config_file=PROGRAMS / "raw_k8s" / "Pulumi.nope.yaml")


def test_run_callable_records_a_function_program() -> None:
    import pulumi
    import pulumi_kubernetes as k8s

    def program() -> None:
        k8s.core.v1.Namespace("ns", metadata={"name": pulumi.Config().require("name")})
        pulumi.export("secret", pulumi.Output.secret("x"))

    plan = run_callable(program, config={"name": "llm-d"})
    assert [(r.type, r.inputs["metadata"]) for r in plan] == [("kubernetes:core/v1:Namespace", {"name": "llm-d"})]
    assert plan.to_json()["outputs"] == {"secret": {"secret": True}}


def test_provider_functions_are_answered_and_recorded() -> None:
    import pulumi
    import pulumi_gcp as gcp

    def program() -> None:
        client = gcp.organizations.get_client_config_output()
        pulumi.export("project", client.project)

    plan = run_callable(program)
    assert [(i.token, i.args) for i in plan.invokes] == [("gcp:organizations/getClientConfig:getClientConfig", {})]
    assert plan.outputs == {"project": "offline-project"}


def test_order_is_hierarchical_and_stable() -> None:
    runs = [[r.urn for r in run_program(PROGRAMS / "graph_demo", "prod")] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == BOX


def test_main_file_project_yml_defaults_secrets_and_logs() -> None:
    plan = run_program(PROGRAMS / "main_file", "dev")
    (cm,) = plan.resources
    assert cm.inputs["data"] == {"greeting": "hello", "nested": '{"a": 1}'}
    assert plan.to_json()["outputs"] == {"secret": {"secret": True}}
    assert ("warning", "offline plans keep program logs") in plan.logs


def test_config_overrides_decode_objects_but_keep_numbers_as_written() -> None:
    plan = run_program(PROGRAMS / "main_file", "dev", config={"greeting": "1.30", "nested": '{"b": [1, 2]}'})
    assert plan.resources[0].inputs["data"] == {"greeting": "1.30", "nested": '{"b": [1, 2]}'}


def test_non_python_projects_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: ts\nruntime: nodejs\n")
    with pytest.raises(ProjectError, match="runtime is 'nodejs'; only python programs can run offline"):
        run_program(tmp_path, "dev")
