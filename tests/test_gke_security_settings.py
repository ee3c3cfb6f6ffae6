"""GKE Binary Authorization and Secrets encryption: config rules, the exact resources, and the verdicts.

Issue 10's new advisories (``gke-binary-authorization``, ``gke-secrets-encryption``) are fixed in the
component and the stacks, not in the rules: Binary Authorization is enforced by default, and a Cloud KMS
key (the user's) encrypts Secrets when one is configured.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmd_infra.config.stack import settings_from_values
from llmd_infra.errors import ConfigError
from llmd_infra.plan.analyze import analyze_plan
from llmd_infra.plan.engine import run_callable, run_program
from llmd_infra.plan.graph import Plan
from llmd_infra.providers.gke.config import GkeClusterConfig
from llmd_infra.providers.gke.fakes import INVOKES

REPO = Path(__file__).resolve().parents[1]
P = "llmd-infra:cluster."
KEY = "projects/kms-project/locations/us-central1/keyRings/gke/cryptoKeys/secrets"
BASE: dict[str, Any] = {
    "provider": "gke",
    "name": "sec",
    "region": "us-central1",
    "zones": ["us-central1-b"],
    "network": {"masterAuthorizedNetworks": [{"cidr": "203.0.113.0/24"}]},
}
BINDING = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
SECRETS = (
    'databaseEncryption is not "ENCRYPTED" with a Cloud KMS keyName: Kubernetes Secrets in etcd are encrypted '
    "only with Google-managed keys"
)
BINAUTHZ = (
    'binaryAuthorization.evaluationMode is not "PROJECT_SINGLETON_POLICY_ENFORCE": the cluster runs images '
    "without checking them against a Binary Authorization policy"
)


def settings(**over: Any) -> Any:
    data = copy.deepcopy(BASE)
    data.update(over)
    return settings_from_values({"gcp:project": "my-project", "llmd-infra:cluster": json.dumps(data)})


def problems(**over: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        settings(**over)
    return [str(p) for p in info.value.problems]


# --- config ------------------------------------------------------------------------------------------


def test_binary_authorization_is_enforced_by_default_and_can_be_disabled() -> None:
    cluster = settings().cluster
    assert isinstance(cluster, GkeClusterConfig)
    assert cluster.binary_authorization.evaluation_mode == "PROJECT_SINGLETON_POLICY_ENFORCE"
    assert cluster.secrets_encryption is None
    disabled = settings(binaryAuthorization={"evaluationMode": "DISABLED"}).cluster
    assert disabled.binary_authorization.evaluation_mode == "DISABLED"
    assert problems(binaryAuthorization={"evaluationMode": "ENFORCE"}) == [
        f"{P}binaryAuthorization.evaluationMode: 'ENFORCE' is not allowed; allowed: 'DISABLED', "
        "'PROJECT_SINGLETON_POLICY_ENFORCE'"
    ]
    assert problems(binaryAuthorization={"enabled": True}) == [
        f"{P}binaryAuthorization.enabled: unknown key 'enabled'; allowed keys: evaluationMode"
    ]


def test_secrets_encryption_takes_a_crypto_key_of_the_clusters_region() -> None:
    cluster = settings(secretsEncryption={"kmsKeyName": KEY}).cluster
    assert cluster.secrets_encryption.kms_key_name == KEY
    assert cluster.secrets_encryption.create_kms_binding is False
    # A key project given by number is a valid resource name too.
    numbered = "projects/123456789012/locations/us-central1/keyRings/r_1/cryptoKeys/k-2"
    assert settings(secretsEncryption={"kmsKeyName": numbered}).cluster.secrets_encryption.kms_key_name == numbered


FORMAT = "write it as projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("secrets", f"'secrets' is not a Cloud KMS crypto key name; {FORMAT}"),
        (f"{KEY}/cryptoKeyVersions/1", f"'{KEY}/cryptoKeyVersions/1' is not a Cloud KMS crypto key name; {FORMAT}"),
        ("projects/kms-project/locations/us-central1/keyRings/gke.ring/cryptoKeys/" + "k" * 64,
         "'projects/kms-project/locations/us-central1/keyRings/gke.ring/cryptoKeys/" + "k" * 64 + "' is not a Cloud "
         "KMS crypto key name (the key ring id 'gke.ring' is not 1 to 63 letters, digits, '_' and '-'; the crypto key "
         "id '" + "k" * 64 + f"' is not 1 to 63 letters, digits, '_' and '-'); {FORMAT}"),
        ("projects/Bad_Project/locations/us-central1/keyRings/gke/cryptoKeys/secrets",
         "'projects/Bad_Project/locations/us-central1/keyRings/gke/cryptoKeys/secrets' is not a Cloud KMS crypto key "
         f"name ('Bad_Project' is not a project id or number); {FORMAT}"),
    ],
    ids=["bare-name", "key-version", "bad-ids", "bad-project"],
)
def test_kms_key_names_follow_cloud_kms(key: str, message: str) -> None:
    assert problems(secretsEncryption={"kmsKeyName": key}) == [f"{P}secretsEncryption.kmsKeyName: {message}"]


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("global", "the key ring's location is 'global', which GKE does not support; a regional cluster's key ring "
                   "must be in its region ('us-central1'); allowed: us-central1"),
        ("us", "the key ring is in 'us'; a regional cluster's key ring must be in its region ('us-central1'); "
               "allowed: us-central1"),
        ("us-central1-b", "the key ring is in 'us-central1-b'; a regional cluster's key ring must be in its region "
                          "('us-central1'); allowed: us-central1"),
        ("europe-west4", "the key ring is in 'europe-west4'; a regional cluster's key ring must be in its region "
                         "('us-central1'); allowed: us-central1"),
    ],
)
def test_the_key_ring_must_be_in_the_clusters_region(location: str, message: str) -> None:
    key = KEY.replace("/us-central1/", f"/{location}/")
    assert problems(secretsEncryption={"kmsKeyName": key}) == [f"{P}secretsEncryption.kmsKeyName: {message}"]


def test_secrets_encryption_needs_its_key_and_knows_its_keys() -> None:
    assert problems(secretsEncryption={"createKmsBinding": True}) == [
        f"{P}secretsEncryption.kmsKeyName: required key is missing"
    ]
    assert problems(secretsEncryption={"kmsKey": KEY}) == [
        f"{P}secretsEncryption.kmsKeyName: required key is missing",
        f"{P}secretsEncryption.kmsKey: unknown key 'kmsKey'; allowed keys: kmsKeyName, createKmsBinding",
    ]


# --- the component's resources -----------------------------------------------------------------------


def cluster_plan(preview: bool = True, **over: Any) -> Plan:
    cfg = {**copy.deepcopy(BASE), "project": "my-project", **over}

    def program() -> None:
        from llmd_infra.config.stack import load_settings
        from llmd_infra.providers.gke import cluster_from_config

        cluster_from_config(load_settings())

    return run_callable(program, project="llmd-infra", stack="sec", config={"llmd-infra:cluster": cfg},
                        preview=preview)  # fmt: skip


def verdicts(plan: Plan, only: set[str]) -> list[tuple[str, str, str, str]]:
    return sorted(
        (v.policy, v.enforcement, v.urn.rsplit("::", 1)[-1], v.message)
        for v in analyze_plan(plan).violations
        if v.policy in only
    )


RULES = {"gke-binary-authorization", "gke-secrets-encryption"}


def test_defaults_enforce_binary_authorization_and_leave_encryption_to_gke() -> None:
    plan = cluster_plan()
    cluster = plan.named("sec-cluster").inputs
    assert cluster["binaryAuthorization"] == {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"}
    assert "databaseEncryption" not in cluster  # GKE's default; encryption set up elsewhere is never undone
    assert not plan.of_type(BINDING)
    assert verdicts(plan, RULES) == [("gke-secrets-encryption", "advisory", "sec-cluster", SECRETS)]


def test_binary_authorization_disabled_is_written_and_advised_against() -> None:
    plan = cluster_plan(binaryAuthorization={"evaluationMode": "DISABLED"})
    assert plan.named("sec-cluster").inputs["binaryAuthorization"] == {"evaluationMode": "DISABLED"}
    assert verdicts(plan, RULES) == [
        ("gke-binary-authorization", "advisory", "sec-cluster", BINAUTHZ),
        ("gke-secrets-encryption", "advisory", "sec-cluster", SECRETS),
    ]


def test_a_kms_key_encrypts_secrets_without_a_binding_by_default() -> None:
    plan = cluster_plan(secretsEncryption={"kmsKeyName": KEY})
    cluster = plan.named("sec-cluster")
    assert cluster.inputs["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}
    assert not plan.of_type(BINDING)
    assert not [i for i in plan.invokes if i.token == "gcp:organizations/getProject:getProject"]
    assert verdicts(plan, RULES) == []


@pytest.mark.parametrize("preview", [True, False])
def test_create_kms_binding_grants_the_gke_service_agent_before_the_cluster(preview: bool) -> None:
    plan = cluster_plan(preview, secretsEncryption={"kmsKeyName": KEY, "createKmsBinding": True})
    number = INVOKES["gcp:organizations/getProject:getProject"]({"projectId": "my-project"})["number"]
    assert re.fullmatch(r"[1-9][0-9]{11}", number)
    [binding] = plan.of_type(BINDING)
    assert binding.name == "sec-secrets-kms"
    assert binding.inputs == {
        "cryptoKeyId": KEY,
        "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "member": f"serviceAccount:service-{number}@container-engine-robot.iam.gserviceaccount.com",
    }
    assert binding.protect is True
    assert binding.parent == plan.named("sec").urn
    [lookup] = [i for i in plan.invokes if i.token == "gcp:organizations/getProject:getProject"]
    assert lookup.args == {"projectId": "my-project"}
    cluster = plan.named("sec-cluster")
    assert binding.urn in cluster.dependencies  # GKE must be able to use the key when it creates the cluster
    assert cluster.inputs["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}


def test_python_callers_use_the_same_settings() -> None:
    def program() -> None:
        from llmd_infra.providers.gke import GkeCluster, GkeClusterArgs
        from llmd_infra.providers.gke.args import GkeBinauthzEvaluationMode

        args: GkeClusterArgs = {
            "project": "my-project", "region": "us-central1", "zones": ["us-central1-b"],
            "network": {"master_authorized_networks": [{"cidr": "203.0.113.0/24"}]},
            "binary_authorization": {"evaluation_mode": GkeBinauthzEvaluationMode.DISABLED},
            "secrets_encryption": {"kms_key_name": KEY, "create_kms_binding": True},
            "lws": {"enabled": False},
        }  # fmt: skip
        GkeCluster("py", args)

    plan = run_callable(program, project="llmd-infra", stack="py")
    cluster = plan.named("py-cluster").inputs
    assert cluster["binaryAuthorization"] == {"evaluationMode": "DISABLED"}
    assert cluster["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KEY}
    assert [r.name for r in plan.of_type(BINDING)] == ["py-secrets-kms"]


# --- the stacks ----------------------------------------------------------------------------------------

MULTI_HOST_STACKS = ("gke-a3-ultra", "gke-a4-rdma", "gke-tpu-v6e")


def _commented_kms_block(text: str) -> str:
    """The stack file with its commented secretsEncryption block turned on (placeholders filled)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "# secretsEncryption:")
    out = [*lines[:start], lines[start].replace("# ", "", 1)]
    i = start + 1
    while lines[i].lstrip().startswith("#   "):
        out.append(lines[i].replace("#   ", "  ", 1).replace("<kms-project>", "kms-project")
                   .replace("<ring>", "gke").replace("<key>", "secrets"))  # fmt: skip
        i += 1
    return "\n".join([*out, *lines[i:]]) + "\n"


@pytest.mark.parametrize("stack", MULTI_HOST_STACKS)
def test_multi_host_stacks_show_the_kms_option_and_it_works_when_uncommented(stack: str) -> None:
    text = (REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text()
    cfg = yaml.safe_load(text)["config"]["llmd-infra:cluster"]
    assert "secretsEncryption" not in cfg and "binaryAuthorization" not in cfg  # shown, not set
    assert "# binaryAuthorization: {evaluationMode: PROJECT_SINGLETON_POLICY_ENFORCE}" in text
    enabled = yaml.safe_load(_commented_kms_block(text))["config"]["llmd-infra:cluster"]
    region = cfg["region"]
    assert enabled["secretsEncryption"] == {
        "kmsKeyName": f"projects/kms-project/locations/{region}/keyRings/gke/cryptoKeys/secrets",
        "createKmsBinding": False,
    }
    plan = run_program(REPO, stack, config={"llmd-infra:cluster": json.dumps(enabled)})
    [cluster] = plan.of_type("gcp:container/cluster:Cluster")
    assert cluster.inputs["databaseEncryption"]["keyName"] == enabled["secretsEncryption"]["kmsKeyName"]
    assert [v for v in analyze_plan(plan).violations if v.policy in RULES] == []


@pytest.mark.parametrize("stack", ("gke-tpu-v6e-single", "gke-l4-dev"))
def test_other_stacks_leave_the_kms_option_to_the_readme(stack: str) -> None:
    text = (REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text()
    assert "secretsEncryption" not in text
