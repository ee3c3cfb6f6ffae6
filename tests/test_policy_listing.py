"""`llmd-infra policies`: one entry per policy id, in every format, and docs/policies.md generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from llmd_infra.cli import main
from llmd_infra.policy import listing
from llmd_infra.policy.pack import ALL_POLICIES

REPO = Path(__file__).resolve().parents[1]


def test_json_lists_every_policy_once_with_its_providers(capsys: object) -> None:
    assert main(["policies", "--format", "json"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    items = json.loads(out)
    assert [i["id"] for i in items] == [p.name for p in ALL_POLICIES]
    assert len({i["id"] for i in items}) == len(items)
    by_id = {i["id"]: i for i in items}
    assert by_id["kubernetes-version"]["providers"] == ["gke", "doks", "openshift", "minikube"]
    assert by_id["multi-host-placement"]["providers"] == ["gke", "doks", "openshift", "minikube"]
    assert by_id["gke-private-nodes"]["providers"] == ["gke"]
    assert by_id["doks-vpc-native"]["providers"] == ["doks"]
    assert by_id["lws-version"]["providers"] == ["all"]
    assert by_id["cluster-protected"]["providers"] == ["all"]
    assert by_id["kubernetes-version"]["requirement"] == "kubernetes-version"
    assert by_id["gke-private-nodes"]["anchors"][:2] == ["CIS GKE 5.6.5", "CKV_GCP_25"]
    assert by_id["kubeconfig-output-secret"]["harnessOnly"] is True
    assert set(by_id["host-cpu-cores"]) == {
        "id", "providers", "enforcement", "kind", "harnessOnly", "severity", "checks", "config", "remediation",
        "anchors", "requirement",
    }  # fmt: skip


def test_remediation_joins_each_rooms_way_with_thresholds_from_the_records() -> None:
    item = next(i for i in listing.entries() if i["id"] == "kubernetes-version")
    assert item["remediation"] == (
        "Run Kubernetes 1.29 or newer. GKE: set min_master_version / node_version / version to 1.29 or newer "
        "(or leave them unset and let the release channel choose); DOKS: a version slug 1.29.x-do.N or newer; "
        "OpenShift: 4.16 or newer; minikube: --kubernetes-version v1.29 or newer."
    )


def test_text_and_markdown_formats(capsys: object) -> None:
    assert main(["policies"]) == 0
    text = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "gke-private-nodes" in text and "doks-surge-upgrade" in text
    assert main(["policies", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out  # type: ignore[attr-defined]
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert len(rows) == len(ALL_POLICIES)
    assert rows[0].startswith("| `kubernetes-version` | gke, doks, openshift, minikube | mandatory | resource |")


def test_docs_policies_md_is_generated() -> None:
    docs = (REPO / "docs" / "policies.md").read_text(encoding="utf-8")
    begin, end = docs.index(listing.DOCS_BEGIN), docs.index(listing.DOCS_END) + len(listing.DOCS_END)
    assert docs[begin:end] == listing.docs_section(), "regenerate: llmd-infra policies --format markdown"
