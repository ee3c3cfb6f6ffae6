"""``llmd-infra schema``: the package schema the SDK's analyzer infers, valid and committed."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from llmd_infra.cli import main
from llmd_infra.component_provider import PACKAGE, hosted_components
from llmd_infra.schema_cli import schema_text

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "provider" / "schema.json"
METASCHEMA = REPO.parent / "shared" / "schemas" / "pulumi-package-metaschema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@pytest.mark.skipif(not METASCHEMA.is_file(), reason="../shared/schemas is not beside this checkout")
def test_schema_satisfies_pulumis_package_metaschema(schema: dict[str, Any]) -> None:
    # The metaschema's patterns use ECMA named groups, (?<name>...); Python's re spells them (?P<name>...).
    meta = json.loads(METASCHEMA.read_text().replace("(?<", "(?P<"))
    errors = [f"{e.json_path}: {e.message}" for e in jsonschema.Draft202012Validator(meta).iter_errors(schema)]
    assert errors == []


def test_committed_schema_is_current() -> None:
    assert COMMITTED.read_text() == schema_text(), "run: llmd-infra schema -o provider/schema.json"


def test_cli_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED.read_text()


CLUSTERS = {"GkeCluster", "DoksCluster", "OpenShiftCluster", "MinikubeCluster"}
"""Every provider room's cluster component, hosted under the token the SDK's analyzer gives it."""


def test_every_hosted_component_is_a_documented_component(schema: dict[str, Any]) -> None:
    tokens = {f"{PACKAGE}:index:{c.__name__}" for c in hosted_components()}
    assert tokens == {f"{PACKAGE}:index:{name}" for name in CLUSTERS}
    assert set(schema["resources"]) == tokens
    for token in tokens:
        resource = schema["resources"][token]
        assert resource["isComponent"] is True
        assert resource["description"]
        assert resource["inputProperties"] and resource["properties"]
        undocumented = [k for k, v in {**resource["inputProperties"], **resource["properties"]}.items()
                        if not v.get("description")]
        assert undocumented == [], token


def test_every_type_and_enum_value_is_documented(schema: dict[str, Any]) -> None:
    for token, spec in schema["types"].items():
        assert token.startswith(f"{PACKAGE}:index:")
        assert spec.get("description"), token
        for name, prop in spec.get("properties", {}).items():
            assert prop.get("description"), f"{token}.{name}"
        for value in spec.get("enum", []):
            assert value.get("description"), f"{token} = {value['value']}"


def test_gke_cluster_shape(schema: dict[str, Any]) -> None:
    cluster = schema["resources"][f"{PACKAGE}:index:GkeCluster"]
    assert sorted(cluster["requiredInputs"]) == ["network", "region", "zones"]
    assert sorted(cluster["required"]) == sorted(cluster["properties"]) == [
        "acceleratorPools", "clusterName", "k8sProvider", "kubeconfig", "systemNodePool"]
    # Inputs are plain values: the component validates them all before it registers anything.
    assert all(p.get("plain") for p in cluster["inputProperties"].values())
    pool = schema["types"][f"{PACKAGE}:index:GkeAcceleratorPool"]
    assert sorted(pool["required"]) == ["machineType", "name"]
    assert pool["properties"]["rdma"]["$ref"] == f"#/types/{PACKAGE}:index:GkeRdmaPath"
    rdma = schema["types"][f"{PACKAGE}:index:GkeRdmaPath"]
    assert [v["value"] for v in rdma["enum"]] == ["none", "dranet", "multi-network"]
    assert cluster["properties"]["systemNodePool"]["$ref"].endswith("#/resources/gcp:container%2FnodePool:NodePool")


def test_doks_cluster_shape(schema: dict[str, Any]) -> None:
    cluster = schema["resources"][f"{PACKAGE}:index:DoksCluster"]
    assert sorted(cluster["requiredInputs"]) == ["kubernetesVersion", "region"]
    assert sorted(cluster["required"]) == sorted(cluster["properties"]) == [
        "acceleratorPools", "cluster", "clusterName", "k8sProvider", "kubeconfig"]
    assert all(p.get("plain") for p in cluster["inputProperties"].values())
    assert cluster["properties"]["cluster"]["$ref"].endswith(
        "#/resources/digitalocean:index%2FkubernetesCluster:KubernetesCluster")
    assert cluster["inputProperties"]["nvidiaGpu"]["$ref"] == f"#/types/{PACKAGE}:index:DoksGpuPath"
    pool = schema["types"][f"{PACKAGE}:index:DoksGpuPool"]
    assert sorted(pool["required"]) == ["name", "size"]
    fabric = schema["types"][f"{PACKAGE}:index:DoksFabric"]
    ipam = schema["types"][fabric["properties"]["ipam"]["$ref"].removeprefix("#/types/")]
    assert [v["value"] for v in ipam["enum"]] == ["whereabouts", "none"]


def test_openshift_cluster_shape(schema: dict[str, Any]) -> None:
    cluster = schema["resources"][f"{PACKAGE}:index:OpenShiftCluster"]
    assert cluster["requiredInputs"] == ["openshiftVersion"]
    assert sorted(cluster["properties"]) == ["acceleratorPools", "clusterName", "k8sProvider", "kubeconfig"]
    # The kubeconfig may be another resource's (secret) Output; every other input is a plain value.
    assert [k for k, p in cluster["inputProperties"].items() if not p.get("plain")] == ["kubeconfig"]
    assert cluster["inputProperties"]["kubeconfigSource"]["$ref"] == (
        f"#/types/{PACKAGE}:index:OpenShiftKubeconfigSource")
    aws = schema["types"][f"{PACKAGE}:index:OpenShiftAws"]
    assert sorted(aws["required"]) == ["amiId", "infrastructureId", "region", "securityGroupIds", "subnets"]
    links = schema["types"][f"{PACKAGE}:index:OpenShiftNetworkOperator"]["properties"]["linkTypes"]
    assert links["items"]["$ref"] == f"#/types/{PACKAGE}:index:OpenShiftLinkType"


def test_minikube_cluster_shape(schema: dict[str, Any]) -> None:
    cluster = schema["resources"][f"{PACKAGE}:index:MinikubeCluster"]
    assert sorted(cluster["requiredInputs"]) == ["accelerator", "acceleratorCount"]
    assert sorted(cluster["properties"]) == ["acceleratorPools", "clusterName", "k8sProvider", "kubeconfig"]
    assert cluster["inputProperties"]["cpus"]["type"] == "string"


def test_type_names_are_unique_per_provider(schema: dict[str, Any]) -> None:
    """The analyzer puts every type in one module: each is a provider's (prefixed) or the shared pool summary."""
    prefixes = tuple(name.removesuffix("Cluster") for name in CLUSTERS)
    names = [token.rsplit(":", 1)[-1] for token in schema["types"]]
    assert [n for n in names if not n.startswith(prefixes)] == ["AcceleratorPoolSummary"]
    for prefix in prefixes:
        assert any(n.startswith(prefix) for n in names), prefix


def test_dependencies_are_the_sdks_of_output_resources(schema: dict[str, Any]) -> None:
    """Only the packages whose resources are outputs (pinned to the installed SDKs' versions)."""
    import importlib.metadata

    versions = {d["name"]: d["version"] for d in schema["dependencies"]}
    assert versions == {
        "gcp": importlib.metadata.version("pulumi_gcp"),
        "digitalocean": importlib.metadata.version("pulumi_digitalocean"),
        "kubernetes": importlib.metadata.version("pulumi_kubernetes"),
    }


def test_a_missing_provider_sdk_is_one_clear_error() -> None:
    code = "import sys; sys.modules['pulumi_gcp'] = None\nfrom llmd_infra.cli import main\nsys.exit(main(['schema']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "error: the gke components need the Python package 'pulumi_gcp', which is not installed; install "
        "llmd-infra with every provider SDK: pip install 'llmd-infra[all]'\n"
    )
