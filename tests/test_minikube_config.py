"""minikube stack configuration: every invalid value gives one exact message at its config key path."""

from __future__ import annotations

from typing import Any

import pytest

from llmd_infra.config.base import validate_model
from llmd_infra.errors import ConfigError
from llmd_infra.providers.minikube.config import (
    DEFAULT_KUBERNETES_VERSION,
    MinikubeClusterConfig,
    memory_mib,
    nvidia_families,
)

BASE: dict[str, Any] = {"provider": "minikube", "name": "llmd", "accelerator": "L40S", "acceleratorCount": 4}
P = "llmd-infra:cluster."
NVIDIA = ", ".join(nvidia_families())


def config(**over: Any) -> MinikubeClusterConfig:
    return validate_model(MinikubeClusterConfig, {**BASE, **over}, "llmd-infra:cluster")


def problems(**over: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config(**over)
    return [str(p) for p in info.value.problems]


def test_minimal_config_defaults() -> None:
    c = config()
    assert (c.name, c.kubernetes_version) == ("llmd", DEFAULT_KUBERNETES_VERSION)
    assert (c.cpus, c.memory) == ("no-limit", "no-limit")
    assert (c.accelerator, c.accelerator_count) == ("L40S", 4)
    assert (c.cpus_flag(), c.memory_flag()) == ("no-limit", "no-limit")


def test_accelerator_and_count_are_required() -> None:
    data = {"provider": "minikube", "name": "llmd"}
    with pytest.raises(ConfigError) as info:
        validate_model(MinikubeClusterConfig, data, "llmd-infra:cluster")
    assert [str(p) for p in info.value.problems] == [
        f"{P}accelerator: required key is missing",
        f"{P}acceleratorCount: required key is missing",
    ]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("L40S", "L40S"), ("nvidia-h100-80gb", "H100"), ("NVIDIA A100 80GB", "A100"), ("rtx 6000 ada", "RTX 6000 Ada")],
)
def test_accelerator_spellings_become_the_catalog_family(written: str, canonical: str) -> None:
    assert config(accelerator=written).accelerator == canonical


def test_unknown_and_non_nvidia_accelerators() -> None:
    assert problems(accelerator="GTX 1080") == [f"{P}accelerator: unknown accelerator 'GTX 1080'; allowed: {NVIDIA}"]
    assert problems(accelerator="MI300X") == [
        f"{P}accelerator: 'MI300X' is a amd accelerator; minikube --gpus all with the NVIDIA Container Toolkit "
        f"serves NVIDIA GPUs only; allowed: {NVIDIA}"
    ]
    assert "TPU v6e" not in NVIDIA and "H200" in NVIDIA and "MI300X" not in NVIDIA


def test_accelerator_count_at_least_one() -> None:
    assert problems(acceleratorCount=0) == [
        f"{P}acceleratorCount: Input should be greater than or equal to 1 (got 0)"
    ]


@pytest.mark.parametrize(("written", "normalized"), [("v1.34.0", "v1.34.0"), ("1.33.5", "v1.33.5")])
def test_kubernetes_version_is_an_exact_release_with_v(written: str, normalized: str) -> None:
    assert config(kubernetesVersion=written).kubernetes_version == normalized


def test_kubernetes_version_errors() -> None:
    assert problems(kubernetesVersion="1.28.3") == [
        f"{P}kubernetesVersion: Kubernetes 1.28.3 is older than llm-d's minimum 1.29 (requirement kubernetes-version)"
    ]
    assert problems(kubernetesVersion="1.34") == [
        f"{P}kubernetesVersion: '1.34' is not an exact Kubernetes release (minikube needs vMAJOR.MINOR.PATCH, "
        f"e.g. {DEFAULT_KUBERNETES_VERSION})"
    ]
    assert problems(kubernetesVersion="stable")[0].startswith(f"{P}kubernetesVersion: 'stable' is not an exact")


@pytest.mark.parametrize("name", ["llmd", "gpu-dev", "a1", "team.llmd-2"])
def test_valid_profiles(name: str) -> None:
    assert config(name=name).name == name


@pytest.mark.parametrize("name", ["x", "-llmd", "llmd-", "llm_d", "llmd..x", "llmd dev"])
def test_invalid_profiles(name: str) -> None:
    assert problems(name=name) == [
        f"{P}name: '{name}' is not a minikube profile name (letters, digits and '-', dot-separated labels that "
        "start and end with a letter or digit, at least 2 characters)"
    ]


def test_reserved_profile() -> None:
    assert problems(name="Delete") == [
        f"{P}name: 'Delete' is a minikube command; minikube refuses it as a profile name"
    ]


@pytest.mark.parametrize(
    ("cpus", "flag"), [(2, "2"), (48, "48"), ("16", "16"), ("max", "max"), ("no-limit", "no-limit")]
)
def test_cpus(cpus: int | str, flag: str) -> None:
    assert config(cpus=cpus).cpus_flag() == flag


@pytest.mark.parametrize(("cpus", "shown"), [(1, "'1'"), (0, "'0'"), ("all", "'all'"), ("-4", "'-4'")])
def test_bad_cpus(cpus: Any, shown: str) -> None:
    assert problems(cpus=cpus) == [
        f"{P}cpus: cpus must be a number >= 2 (minikube refuses fewer) or one of max, no-limit (got {shown})"
    ]


@pytest.mark.parametrize(
    ("memory", "flag"),
    [(65536, "65536"), ("196g", "196g"), ("196GB", "196gb"), ("200000m", "200000m"), ("max", "max"),
     ("no-limit", "no-limit")],
)
def test_memory(memory: int | str, flag: str) -> None:
    assert config(memory=memory).memory_flag() == flag


def test_bad_memory() -> None:
    assert problems(memory="lots") == [
        f"{P}memory: memory must be MB as a number, a size like 65536m or 64g, or one of max, no-limit "
        "(got 'lots')"
    ]
    assert problems(memory="1g") == [
        f"{P}memory: memory '1g' is 1024 MiB, less than the 1800 MiB Kubernetes needs under minikube"
    ]
    assert problems(memory=1024) == [
        f"{P}memory: memory '1024' is 1024 MiB, less than the 1800 MiB Kubernetes needs under minikube"
    ]


def test_memory_mib_reads_minikube_units() -> None:
    assert [memory_mib(v) for v in ("2048", "2g", "2gb", "3072m", "1t", "max")] == [2048, 2048, 2048, 3072,
                                                                                  1048576, None]


def test_unknown_key_lists_allowed_keys() -> None:
    assert problems(gpus="all") == [
        f"{P}gpus: unknown key 'gpus'; allowed keys: provider, name, kubernetesVersion, cpus, memory, accelerator, "
        "acceleratorCount"
    ]


def test_args_and_model_have_one_shape() -> None:
    """The component's TypedDicts (a package schema's source) and the models validating them agree."""
    from llmd_infra.args_shape import Exempt, args_drift
    from llmd_infra.config.addons import GatewayApiCrdsConfig, LwsConfig
    from llmd_infra.providers.minikube import args

    exempt = {
        (args.MinikubeClusterArgs, MinikubeClusterConfig): Exempt(
            args_only={
                "profile": "the model's name, defaulted to the component's resource name",
                "protect": "a component option, not stack config (llmd-infra:protect)",
                "lws": "llmd-infra:addons.lws (LwsConfig)",
                "gateway_crds": "llmd-infra:addons.gatewayApiCrds (GatewayApiCrdsConfig)",
            },
            model_only={"provider": "the stack file's discriminator", "name": "args key profile"},
        )
    }
    assert args_drift(args.MinikubeClusterArgs, MinikubeClusterConfig, exempt) == []
    assert args_drift(args.MinikubeLws, LwsConfig) == []
    assert args_drift(args.MinikubeGatewayCrds, GatewayApiCrdsConfig) == []
