"""Stack-level configuration: one clear problem per invalid value, with key path and allowed values."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from llmd_infra.config.addons import AddonsConfig, LwsConfig
from llmd_infra.config.base import Autoscaling, validate_model
from llmd_infra.config.stack import StackSettings, settings_from_values
from llmd_infra.errors import ConfigError


def _problems(values: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        settings_from_values(values, source="Pulumi.x.yaml")
    return [str(p) for p in info.value.problems]


def test_missing_cluster_key() -> None:
    assert _problems({"gcp:project": "p"}) == ["llmd-infra:cluster: required key is missing"]


def test_unknown_top_level_key_is_a_typo() -> None:
    problems = _problems({"llmd-infra:cluster": '{"provider": "gke", "name": "c"}', "llmd-infra:adons": "{}"})
    assert [p for p in problems if p.startswith("llmd-infra:adons")] == [
        "llmd-infra:adons: unknown key 'adons'; allowed keys: cluster, addons, protect"
    ]


def test_unknown_provider_lists_allowed_providers() -> None:
    problems = _problems({"llmd-infra:cluster": '{"provider": "eks", "name": "c"}'})
    assert problems[0].startswith("llmd-infra:cluster.provider: 'eks' is not allowed; allowed: 'gke'")


def test_lws_older_than_the_requirement_is_rejected() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(AddonsConfig, {"lws": {"version": "0.6.1"}}, "llmd-infra:addons", "Pulumi.x.yaml")
    assert str(info.value) == (
        "invalid configuration in Pulumi.x.yaml (1 problem):\n"
        "  - llmd-infra:addons.lws.version: LWS 0.6.1 is older than llm-d's minimum 0.7.0 (requirement lws-version)"
    )


def test_lws_version_must_be_a_version() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(LwsConfig, {"version": "latest"}, "llmd-infra:addons.lws")
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.lws.version: 'latest' is not a version (expected MAJOR.MINOR[.PATCH])"
    ]


def test_autoscaling_bounds() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(Autoscaling, {"minNodes": 3, "maxNodes": 1}, "pool.autoscaling")
    assert [str(p) for p in info.value.problems] == ["pool.autoscaling: minNodes (3) must not exceed maxNodes (1)"]
    with pytest.raises(ConfigError) as info:
        validate_model(Autoscaling, {"minNodes": -1, "maxNodes": 0}, "pool.autoscaling")
    assert [str(p) for p in info.value.problems] == [
        "pool.autoscaling.minNodes: Input should be greater than or equal to 0 (got -1)",
        "pool.autoscaling.maxNodes: Input should be greater than or equal to 1 (got 0)",
    ]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(AddonsConfig, {"lws": {"version": "0.6.0", "enabled": "maybe", "extra": 1}}, "a")
    assert len(info.value.problems) == 3
    assert str(info.value).startswith("invalid configuration (3 problems):\n  - a.lws.")


def test_protect_defaults() -> None:
    gke = SimpleNamespace(provider="gke", disposable=False)
    settings = StackSettings.model_construct(cluster=gke, protect=None)
    assert settings.protect_for("gke-a3-ultra") is True
    assert settings.protect_for("gke-l4-dev") is False
    local = SimpleNamespace(provider="minikube", disposable=True)
    assert StackSettings.model_construct(cluster=local, protect=None).protect_for("local") is False
    assert StackSettings.model_construct(cluster=gke, protect=False).protect_for("prod") is False
    assert StackSettings.model_construct(cluster=gke, protect=True).protect_for("x-dev") is True


def test_lws_defaults_to_llm_d_current_install() -> None:
    lws = validate_model(LwsConfig, {}, "llmd-infra:addons.lws")
    assert (lws.version, lws.enable_disaggregated_set, lws.disaggregated_set()) == ("0.11.1", None, True)
    older = validate_model(LwsConfig, {"version": "0.7.0"}, "llmd-infra:addons.lws")
    assert older.disaggregated_set() is False


def test_lws_option_the_pinned_version_lacks_is_refused() -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(LwsConfig, {"version": "0.8.0", "enableDisaggregatedSet": True}, "llmd-infra:addons.lws")
    assert [str(p) for p in info.value.problems] == [
        "llmd-infra:addons.lws.enableDisaggregatedSet: true needs LWS 0.9.0 or newer (the chart's "
        "enableDisaggregatedSet value arrived in kubernetes-sigs/lws v0.9.0), got version 0.8.0; allowed: false, "
        "or a version >= 0.9.0"
    ]


@pytest.mark.parametrize("number", [0.9, 1, 0.11])
def test_lws_version_written_as_a_number_is_refused_with_a_hint(number: float) -> None:
    with pytest.raises(ConfigError) as info:
        validate_model(LwsConfig, {"version": number}, "llmd-infra:addons.lws")
    assert [str(p) for p in info.value.problems] == [
        f"llmd-infra:addons.lws.version: {number} is a number, not a version: YAML reads an unquoted 1.30 as 1.3; "
        'write the version in quotes as you mean it (e.g. "1.30")'
    ]


def test_refused_addon_sections_are_reported_with_the_other_problems() -> None:
    problems = _problems(
        {
            "llmd-infra:cluster": '{"provider": "gke", "name": "c", "releaseChanel": "REGULAR"}',
            "llmd-infra:addons": '{"nfd": {"enabled": true}}',
        }
    )
    assert [p for p in problems if p.startswith("llmd-infra:addons")] == [
        "llmd-infra:addons.nfd: not used by the gke provider: no add-on on GKE needs Node Feature Discovery; "
        "remove this key"
    ]
    assert any(p.startswith("llmd-infra:cluster.releaseChanel: unknown key 'releaseChanel'") for p in problems)
