"""Every ``llmd-infra:cluster`` and ``llmd-infra:addons`` key a GKE stack accepts either acts or is refused.

The audit table sets each key (through ``--config`` paths) on a ready stack and expects either a
different plan than the stack's own, or a configuration error naming the key and why. A final test
checks that the table covers every key of the models, so a new key cannot slip in unaudited.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from llmd_infra.config.addons import AddonsConfig
from llmd_infra.errors import ConfigError
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.project import parse_config_path
from llmd_infra.providers.gke.config import GkeClusterConfig

REPO = Path(__file__).resolve().parents[1]
CHANGES = "changes the plan"
DELETE = object()
"""Remove the key from the stack file."""

# (stack, {key path below llmd-infra: -> value}, CHANGES or the start of the refusal "path: message")
AUDIT: list[tuple[str, dict[str, Any], str]] = [
    ("gke-l4-dev", {"cluster.project": "other-project"}, CHANGES),
    ("gke-l4-dev", {"cluster.region": "us-east1", "cluster.zones[0]": "us-east1-b"}, CHANGES),
    ("gke-l4-dev", {"cluster.zones[0]": "us-central1-b"}, CHANGES),
    ("gke-l4-dev", {"cluster.name": "other-name"}, CHANGES),
    ("gke-l4-dev", {"cluster.provider": "azure"}, "llmd-infra:cluster.provider: 'azure' is not allowed"),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33"}, CHANGES),
    ("gke-l4-dev", {"cluster.releaseChannel": "RAPID"}, CHANGES),
    ("gke-l4-dev", {"cluster.deletionProtection": True}, CHANGES),
    ("gke-l4-dev", {"cluster.labels.team": "inference"}, CHANGES),
    ("gke-l4-dev", {"cluster.maintenanceStartTime": "03:00"}, CHANGES),
    ("gke-l4-dev", {"cluster.binaryAuthorization.evaluationMode": "DISABLED"}, CHANGES),
    ("gke-l4-dev", {"cluster.binaryAuthorization.evaluationMode": "ENFORCE"},
     "llmd-infra:cluster.binaryAuthorization.evaluationMode: 'ENFORCE' is not allowed"),
    ("gke-l4-dev", {"cluster.secretsEncryption.kmsKeyName":
                    "projects/kms-project/locations/us-central1/keyRings/gke/cryptoKeys/secrets"}, CHANGES),
    ("gke-l4-dev", {"cluster.secretsEncryption.kmsKeyName":
                    "projects/kms-project/locations/us-central1/keyRings/gke/cryptoKeys/secrets",
                    "cluster.secretsEncryption.createKmsBinding": True}, CHANGES),
    ("gke-l4-dev", {"cluster.secretsEncryption.kmsKeyName":
                    "projects/kms-project/locations/global/keyRings/gke/cryptoKeys/secrets"},
     "llmd-infra:cluster.secretsEncryption.kmsKeyName: the key ring's location is 'global', which GKE does not "
     "support"),
    ("gke-a3-ultra", {"cluster.maintenanceExclusions[0].name": "hold",
                      "cluster.maintenanceExclusions[0].startTime": "2026-01-01T00:00:00Z",
                      "cluster.maintenanceExclusions[0].endTime": "2026-01-10T00:00:00Z",
                      "cluster.maintenanceExclusions[0].scope": "NO_UPGRADES"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.masterAuthorizedNetworks[0].cidr": "198.51.100.0/24"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.masterAuthorizedNetworks[0].name": "vpn"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.existing.network": "vpc", "cluster.network.existing.subnetwork": "subnet",
                    "cluster.network.existing.podsRangeName": "pods",
                    "cluster.network.existing.servicesRangeName": "services"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.existing.network": "vpc", "cluster.network.existing.subnetwork": "subnet",
                    "cluster.network.existing.podsRangeName": "pods",
                    "cluster.network.existing.servicesRangeName": "services",
                    "cluster.network.podsCidr": "10.64.0.0/14"},
     "llmd-infra:cluster.network.podsCidr: has no effect with existing"),
    ("gke-l4-dev", {"cluster.network.nodeCidr": "10.1.0.0/20"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.podsCidr": "10.64.0.0/14"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.servicesCidr": "10.10.0.0/20"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.masterCidr": "172.16.1.0/28"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.proxyCidr": "10.11.0.0/23"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.privateEndpoint": True}, CHANGES),
    ("gke-l4-dev", {"cluster.network.gvnicCidr": "192.168.1.0/24"},
     "llmd-infra:cluster.network.gvnicCidr: has no effect: only the multi-network RDMA path"),
    ("gke-a4-rdma", {"cluster.network.gvnicCidr": "192.168.1.0/24"}, CHANGES),
    ("gke-l4-dev", {"cluster.network.rdmaCidr": "192.168.128.0/18"},
     "llmd-infra:cluster.network.rdmaCidr: has no effect: only the multi-network RDMA path"),
    ("gke-a4-rdma", {"cluster.network.rdmaCidr": "192.168.128.0/18"}, CHANGES),
    ("gke-l4-dev", {"cluster.systemPool.machineType": "e2-standard-32"}, CHANGES),
    ("gke-l4-dev", {"cluster.systemPool.nodeCount": 2}, CHANGES),
    ("gke-l4-dev", {"cluster.systemPool.nodeCount": DELETE, "cluster.systemPool.autoscaling.minNodes": 1,
                    "cluster.systemPool.autoscaling.maxNodes": 3}, CHANGES),
    ("gke-l4-dev", {"cluster.systemPool.diskSizeGb": 100}, CHANGES),
    ("gke-l4-dev", {"cluster.systemPool.zones[0]": "us-central1-c"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].name": "l4x"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].machineType": "g2-standard-48"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].accelerator": "nvidia-h100-80gb"},
     "llmd-infra:cluster.acceleratorPools[0].accelerator: 'nvidia-h100-80gb' is not offered on g2-standard-24"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].acceleratorCount": 4},
     "llmd-infra:cluster.acceleratorPools[0].acceleratorCount: g2-standard-24 has 2 GPUs, not 4"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].tpuTopology": "2x2"},
     "llmd-infra:cluster.acceleratorPools[0].tpuTopology: tpuTopology applies to TPU machine types only"),
    ("gke-tpu-v6e", {"cluster.acceleratorPools[0].tpuTopology": "4x8"}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].nodeCount": 4}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].nodeCount": 1},
     "llmd-infra:cluster.acceleratorPools[0].autoscaling: set nodeCount or autoscaling, not both"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].autoscaling.maxNodes": 4}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].autoscaling.minNodes": 1}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].multiHost": False}, CHANGES),
    ("gke-tpu-v6e", {"cluster.acceleratorPools[0].multiHost": False},
     "llmd-infra:cluster.acceleratorPools[0].multiHost: topology 4x4 on ct6e-standard-4t is a multi-host slice"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].zones[0]": "us-central1-b"}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].rdma": "multi-network"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].rdma": "dranet"},
     "llmd-infra:cluster.acceleratorPools[0].rdma: 'dranet' needs GPUDirect-RDMA NICs"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].gpuDriver": "latest"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].reservation.name": "r"}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].reservation.block": "b1"}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].reservation.project": "shared"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].spot": True}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].flexStart": True}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].compactPlacement": True}, CHANGES),
    ("gke-tpu-v6e", {"cluster.acceleratorPools[0].compactPlacement": False},
     "llmd-infra:cluster.acceleratorPools[0].compactPlacement: has no effect: a multi-host TPU slice"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].diskSizeGb": 500}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].diskType": "pd-ssd"}, CHANGES),
    ("gke-a3-ultra", {"cluster.acceleratorPools[0].localSsdEphemeralStorage": False}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].localSsdEphemeralStorage": True},
     "llmd-infra:cluster.acceleratorPools[0].localSsdEphemeralStorage: true needs the local SSDs"),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].labels.team": "a"}, CHANGES),
    ("gke-l4-dev", {"cluster.acceleratorPools[0].taints[0].key": "dedicated",
                    "cluster.acceleratorPools[0].taints[0].value": "llm-d",
                    "cluster.acceleratorPools[0].taints[0].effect": "NoExecute"}, CHANGES),
    ("gke-l4-dev", {"protect": True}, CHANGES),
    ("gke-l4-dev", {"addons.lws.enabled": False}, CHANGES),
    ("gke-l4-dev", {"addons.lws.version": "0.8.0"}, CHANGES),
    ("gke-l4-dev", {"addons.lws.enableDisaggregatedSet": False}, CHANGES),
    ("gke-l4-dev", {"addons.lws.version": "0.8.0", "addons.lws.enableDisaggregatedSet": True},
     "llmd-infra:addons.lws.enableDisaggregatedSet: true needs LWS"),
    ("gke-l4-dev", {"addons.lws.enabled": False, "addons.lws.version": "0.8.0"},
     "llmd-infra:addons.lws.version: has no effect: this add-on is switched off (enabled: false)"),
    ("gke-l4-dev", {"addons.gatewayApiCrds.gaieVersion": "v1.0.0"},
     "llmd-infra:addons.gatewayApiCrds.gaieVersion: has no effect: GKE installs the Gateway API and Inference "
     "Extension CRDs itself from 1.34.0-gke.1626000 and llmd-infra:cluster.kubernetesVersion is 1.34"),
    ("gke-l4-dev", {"addons.gatewayApiCrds.enabled": True}, "llmd-infra:addons.gatewayApiCrds.enabled: has no effect"),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33", "addons.gatewayApiCrds.enabled": False}, CHANGES),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33", "addons.gatewayApiCrds.gatewayApiVersion": "v1.2.0"},
     CHANGES),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33", "addons.gatewayApiCrds.gaieVersion": "v1.0.0"}, CHANGES),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33", "addons.gatewayApiCrds.installGatewayApi": False},
     CHANGES),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33",
                    "addons.gatewayApiCrds.installInferenceExtension": False}, CHANGES),
    ("gke-l4-dev", {"cluster.kubernetesVersion": "1.33", "addons.gatewayApiCrds.installGatewayApi": False,
                    "addons.gatewayApiCrds.gatewayApiVersion": "v1.2.0"},
     "llmd-infra:addons.gatewayApiCrds.gatewayApiVersion: has no effect: installGatewayApi is false"),
    ("gke-l4-dev", {"addons.draDriver.enabled": True},
     "llmd-infra:addons.draDriver.enabled: has no effect: the gke provider installs the NVIDIA DRA driver only for "
     "accelerator pools with rdma: dranet, and none has it"),
    ("gke-a3-ultra", {"addons.draDriver.enabled": False},
     "llmd-infra:addons.draDriver.enabled: has no effect: an accelerator pool uses rdma: dranet"),
    ("gke-a3-ultra", {"addons.draDriver.version": "25.8.1"}, CHANGES),
    ("gke-l4-dev", {"addons.draDriver.version": "25.8.1"},
     "llmd-infra:addons.draDriver.version: has no effect: no accelerator pool uses rdma: dranet"),
    ("gke-a3-ultra", {"addons.draDriver.cosDriverInstaller": False}, CHANGES),
    ("gke-l4-dev", {"addons.gpuOperator.enabled": True}, "llmd-infra:addons.gpuOperator: not used by the gke"),
    ("gke-l4-dev", {"addons.networkOperator.enabled": True}, "llmd-infra:addons.networkOperator: not used"),
    ("gke-l4-dev", {"addons.amdGpuOperator.enabled": True}, "llmd-infra:addons.amdGpuOperator: not used"),
    ("gke-l4-dev", {"addons.nfd.enabled": True}, "llmd-infra:addons.nfd: not used by the gke provider"),
]


def _overrides(stack: str, keys: dict[str, Any]) -> dict[str, str]:
    """``--config`` overrides that set ``keys`` in the stack's own configuration (whole objects, so a
    key can also be removed and values keep their types)."""
    config = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    for key, value in keys.items():
        parts = parse_config_path(f"llmd-infra:{key}")
        container = config
        for part, following in itertools.pairwise(parts):
            if isinstance(part, str) and part not in container:
                container[part] = [] if isinstance(following, int) else {}
            if isinstance(part, int) and part == len(container):
                container.append({})
            container = container[part]
        if value is DELETE:
            del container[parts[-1]]
        elif isinstance(parts[-1], int) and parts[-1] == len(container):
            container.append(value)
        else:
            container[parts[-1]] = value
    return {k: json.dumps(v) if isinstance(v, (dict, list)) else str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in config.items() if k.startswith("llmd-infra:")}


def _fingerprint(plan: Any) -> str:
    doc = plan.to_json()
    return json.dumps({"resources": doc["resources"], "outputs": doc["outputs"]}, sort_keys=True)


@functools.cache
def _base(stack: str) -> str:
    return _fingerprint(run_program(REPO, stack))


@pytest.mark.parametrize(("stack", "keys", "expected"), AUDIT, ids=[" ".join(k) for _, k, _ in AUDIT])
def test_each_key_acts_or_is_refused(stack: str, keys: dict[str, Any], expected: str) -> None:
    if expected == CHANGES:
        plan = run_program(REPO, stack, config=_overrides(stack, keys))
        assert _fingerprint(plan) != _base(stack), f"{keys} is accepted but changes nothing"
        return
    with pytest.raises(ConfigError) as info:
        run_program(REPO, stack, config=_overrides(stack, keys))
    assert any(str(p).startswith(expected) for p in info.value.problems), str(info.value)
    assert info.value.plan.resources == []


def _leaves(model: type[BaseModel], prefix: str) -> set[str]:
    """Every key path of ``model`` (camelCase, list items as ``[]``)."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}.{info.alias or name}"
        nested = None
        annotation = info.annotation
        candidates = typing.get_args(annotation) if typing.get_origin(annotation) is not list else (annotation,)
        for arg in candidates or (annotation,):
            inner = typing.get_args(arg)[0] if typing.get_origin(arg) is list else arg
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                nested = (inner, typing.get_origin(arg) is list)
        if nested is None:
            out.add(path)
        else:
            out |= _leaves(nested[0], f"{path}[]" if nested[1] else path)
    return out


def test_the_audit_covers_every_key() -> None:
    audited = {re.sub(r"\[\d+\]", "[]", k).removesuffix("[]") for _, keys, _ in AUDIT for k in keys}
    required = _leaves(GkeClusterConfig, "cluster") | {"protect"}
    for section in ("lws", "gatewayApiCrds", "draDriver"):
        field = AddonsConfig.model_fields[{"gatewayApiCrds": "gateway_api_crds", "draDriver": "dra_driver"}.get(
            section, section)]
        required |= _leaves(typing.cast(type[BaseModel], field.annotation), f"addons.{section}")
    refused_sections = {"addons.gpuOperator", "addons.networkOperator", "addons.amdGpuOperator", "addons.nfd"}
    covered = {k for k in required if k in audited or any(k.startswith(s + ".") or k == s for s in refused_sections)}
    covered |= {k for k in required if any(a.startswith(k + ".") for a in audited)}  # labels.<key>
    assert required - covered == set()
    assert {k.rsplit(".", 1)[0] for k in audited if k.startswith(tuple(refused_sections))} == refused_sections


def test_program_authors_get_the_same_refusals_in_their_own_names() -> None:
    from llmd_infra.providers.gke import GkeCluster

    base: dict[str, Any] = {
        "project": "my-gcp-project", "region": "us-central1", "zones": ["us-central1-b"],
        "kubernetes_version": "1.34",
        "network": {"master_authorized_networks": [{"cidr": "203.0.113.0/24"}]},
        "accelerator_pools": [{"name": "h200", "machine_type": "a3-ultragpu-8g", "node_count": 2,
                               "multi_host": True, "rdma": "dranet", "reservation": {"name": "r"}}],
    }
    with pytest.raises(ConfigError) as info:
        args = {**base, "dra_driver": {"enabled": False}, "gateway_crds": {"gaie_version": "v1.0.0"}}
        run_callable(lambda: GkeCluster("c", args))  # type: ignore[arg-type]
    assert [str(p) for p in info.value.problems] == [
        "GkeCluster c:dra_driver.enabled: has no effect: an accelerator pool uses rdma: dranet, which needs the NVIDIA "
        "DRA driver (GKE's own driver installation is off on that path); remove this key",
        "GkeCluster c:gateway_crds.gaie_version: has no effect: GKE installs the Gateway API and Inference Extension "
        "CRDs itself from 1.34.0-gke.1626000 and GkeCluster c:kubernetes_version is 1.34; remove this key",
    ]
    assert info.value.plan.resources == []


def test_the_gateway_crds_component_has_no_enabled_argument() -> None:
    from llmd_infra.addons import GatewayApiCrds

    with pytest.raises(ConfigError) as info:
        run_callable(lambda: GatewayApiCrds("gw", {"enabled": False}))  # type: ignore[typeddict-unknown-key]
    assert str(info.value.problems[0]).startswith("GatewayApiCrds('gw').args.enabled: unknown key 'enabled'")
