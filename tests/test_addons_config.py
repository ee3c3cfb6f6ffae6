"""The ``llmd-infra:addons`` config sections."""

from __future__ import annotations

import pytest

from llmd_infra import pins
from llmd_infra.config.addons import AddonsConfig
from llmd_infra.config.base import validate_model
from llmd_infra.errors import ConfigError


def test_defaults_come_from_pins() -> None:
    cfg = AddonsConfig()
    assert cfg.lws.version == pins.LWS.version
    assert cfg.gateway_api_crds.gateway_api_version == "v1.5.1" and cfg.gateway_api_crds.gaie_version == "v1.5.0"
    assert cfg.gpu_operator.version == "v26.7.0" and cfg.gpu_operator.driver_version == "575.57.08"
    assert cfg.dra_driver.version == "25.8.0" and cfg.nfd.version == "0.19.0"
    assert cfg.amd_gpu_operator.version == "v1.5.1" and cfg.network_operator.version == "v26.4.1"


def test_camel_case_keys() -> None:
    cfg = validate_model(
        AddonsConfig,
        {
            "lws": {"version": "v0.11.1", "enableDisaggregatedSet": True},
            "gpuOperator": {"enabled": True, "platform": "aks", "rdmaEnabled": True},
            "networkOperator": {"networks": [{"name": "n", "master": "ib0", "ipamRange": "10.0.0.0/24"}]},
        },
        "llmd-infra:addons",
    )
    assert cfg.lws.version == "0.11.1" and cfg.lws.enable_disaggregated_set
    assert cfg.gpu_operator.rdma_enabled and cfg.network_operator.networks[0].cni == "macvlan"


def test_lws_minimum_message() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(AddonsConfig, {"lws": {"version": "0.6.9"}}, "llmd-infra:addons")
    assert str(info.value).endswith(
        "llmd-infra:addons.lws.version: LWS 0.6.9 is older than llm-d's minimum 0.7.0 (requirement lws-version)"
    )


def test_driver_ceiling_and_override() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(AddonsConfig, {"gpuOperator": {"driverVersion": "580.65.06"}}, "llmd-infra:addons")
    assert "llmd-infra:addons.gpuOperator" in str(info.value) and "R580 or newer" in str(info.value)
    cfg = validate_model(
        AddonsConfig, {"gpuOperator": {"driverVersion": "580.65.06", "allowDriverR580": True}}, "x"
    )
    assert cfg.gpu_operator.driver_version == "580.65.06"


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(AddonsConfig, {"draDriver": {"versoin": "1"}}, "llmd-infra:addons")
    assert "unknown key 'versoin'" in str(info.value)
