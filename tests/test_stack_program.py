"""The stacks/ program validates everything before it registers anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmd_infra.cli import main
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_program
from llmd_infra.plan.project import load_project

REPO = Path(__file__).resolve().parents[1]


def test_missing_cluster_config_registers_nothing(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.empty.yaml"
    stack_file.write_text("config:\n  gcp:project: p\n")
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "empty", config_file=stack_file)
    # The file the values came from, as the user would open it.
    assert str(info.value) == (
        f"invalid configuration in {stack_file} (1 problem):\n  - llmd-infra:cluster: required key is missing"
    )
    assert info.value.plan.resources == []


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_file = tmp_path / "Pulumi.typo.yaml"
    stack_file.write_text("config:\n  llmd-infra:clustr: {}\n")
    code = main(["preview", str(stack_file), "--project-dir", str(REPO)])
    err = capsys.readouterr().err
    assert code == 2
    assert "llmd-infra:cluster: required key is missing" in err


@pytest.mark.parametrize("stack", load_project(REPO).stacks())
def test_lws_below_the_requirement_is_rejected_in_every_stack(stack: str) -> None:
    with pytest.raises(ConfigError) as info:
        run_program(REPO, stack, config={"llmd-infra:addons": '{"lws": {"version": "0.6.1"}}'})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.lws.version: LWS 0.6.1 is older than llm-d's minimum 0.7.0 (requirement lws-version)"
    ]
    assert info.value.plan.resources == []


def _l4_dev_cluster() -> dict[str, object]:
    import yaml

    doc = yaml.safe_load((REPO / "stacks" / "Pulumi.gke-l4-dev.yaml").read_text())
    cluster: dict[str, object] = doc["config"]["llmd-infra:cluster"]
    return cluster


P = "llmd-infra:cluster."
POOL = f"{P}acceleratorPools[0]."


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"kubernetesVersion": "1.28"},
         f"{P}kubernetesVersion: Kubernetes 1.28 is older than llm-d's minimum 1.29 (requirement kubernetes-version)"),
        ({"pool": {"accelerator": "nvidia-h900"}}, f"{POOL}accelerator: unknown accelerator 'nvidia-h900'; allowed: "),
        ({"pool": {"machineType": "a9-megagpu-8g", "accelerator": None}},
         f"{POOL}machineType: unknown GKE accelerator machine type 'a9-megagpu-8g'; allowed: a2-highgpu-1g, "),
        ({"pool": {"accelerator": "nvidia-b200"}},
         f"{POOL}accelerator: 'nvidia-b200' is not offered on g2-standard-24; g2-standard-24 carries nvidia-l4 (L4)"),
        ({"pool": {"acceleratorCount": 4}}, f"{POOL}acceleratorCount: g2-standard-24 has 2 GPUs, not 4"),
        ({"pool": {"machineType": "ct6e-standard-4t", "accelerator": None, "tpuTopology": "2x2x2"}},
         f"{POOL}tpuTopology: '2x2x2' is not a valid topology for ct6e-standard-4t; allowed: "
         "2x2, 2x4, 4x4, 4x8, 8x8, 8x16, 16x16"),
        ({"pool": {"acceleratorCount": 0}},
         f"{POOL}acceleratorCount: Input should be greater than or equal to 1 (got 0)"),
        ({"pool": {"autoscaling": {"minNodes": -1, "maxNodes": 2}}},
         f"{POOL}autoscaling.minNodes: Input should be greater than or equal to 0 (got -1)"),
        ({"pool": {"autoscaling": {"minNodes": 3, "maxNodes": 1}}},
         f"{POOL}autoscaling: minNodes (3) must not exceed maxNodes (1)"),
        ({"pool": {"nodeCont": 2}}, f"{POOL}nodeCont: unknown key 'nodeCont'; allowed keys: name, machineType, "),
    ],
    ids=["k8s-1.28", "unknown-accelerator", "unknown-machine-type", "accelerator-not-offered", "gpu-count",
         "tpu-topology", "zero-count", "negative-min", "min-gt-max", "typo"],
)
def test_every_config_error_stops_the_real_program_before_any_resource(
    change: dict[str, object], problem: str
) -> None:
    import json

    cluster = _l4_dev_cluster()
    pool_change = change.pop("pool", None) if "pool" in change else None
    cluster.update(change)
    if isinstance(pool_change, dict):
        pools = cluster["acceleratorPools"]
        assert isinstance(pools, list)
        merged = {**pools[0], **pool_change}
        pools[0] = {k: v for k, v in merged.items() if v is not None}
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "gke-l4-dev", config={"llmd-infra:cluster": json.dumps(cluster)})
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem)
    assert info.value.plan.resources == []


def test_gke_rejects_addon_sections_it_does_not_install() -> None:
    import json

    addons = {"gpuOperator": {"enabled": True}, "nfd": {"version": "0.19.0"}, "lws": {"version": "0.9.0"}}
    with pytest.raises(ConfigError) as info:
        run_program(REPO, "gke-l4-dev", config={"llmd-infra:addons": json.dumps(addons)})
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.gpuOperator: not used by the gke provider: GKE installs the NVIDIA driver and device "
        "plugin itself (the dranet path uses the DRA driver); remove this key",
        "llmd-infra:addons.nfd: not used by the gke provider: no add-on on GKE needs Node Feature Discovery; "
        "remove this key",
    ]
    assert info.value.plan.resources == []


def test_gke_wires_gateway_crd_and_dra_driver_settings() -> None:
    import json

    cluster = _l4_dev_cluster()
    cluster["kubernetesVersion"] = "1.33"  # older than GKE's own Gateway CRDs: the add-on installs them
    addons = {"gatewayApiCrds": {"gaieVersion": "v1.4.0"}, "lws": {"version": "0.11.1"}}
    plan = run_program(REPO, "gke-l4-dev", config={"llmd-infra:cluster": json.dumps(cluster),
                                                   "llmd-infra:addons": json.dumps(addons)})
    gaie = plan.named("llmd-l4-dev-gateway-crds-inference-extension")
    assert gaie.inputs["file"].endswith("/v1.4.0/v1-manifests.yaml")
    assert plan.named("llmd-l4-dev-lws-release").inputs["version"] == "0.11.1"
    addons["gatewayApiCrds"] = {"enabled": False}
    plan = run_program(REPO, "gke-l4-dev", config={"llmd-infra:cluster": json.dumps(cluster),
                                                   "llmd-infra:addons": json.dumps(addons)})
    assert plan.of_type("llmd-infra:addons:GatewayApiCrds") == []


def test_gke_dra_driver_version_reaches_the_release() -> None:
    plan = run_program(REPO, "gke-a3-ultra", config={"llmd-infra:addons": '{"draDriver": {"version": "25.8.1"}}'})
    assert plan.named("llmd-a3-ultra-nvidia-dra-release").inputs["version"] == "25.8.1"
    assert len(plan.of_type("llmd-infra:gke:CosNvidiaDriverInstaller")) == 1
    plan = run_program(REPO, "gke-a3-ultra",
                       config={"llmd-infra:addons": '{"draDriver": {"cosDriverInstaller": false}}'})
    assert plan.of_type("llmd-infra:gke:CosNvidiaDriverInstaller") == []
