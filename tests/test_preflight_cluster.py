"""The cluster side of node-check: the NodeCheck component's manifests, the agent it ships (run from the
ConfigMap's files alone), its API calls, and ``node-check --cluster`` reading results back."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from llmd_infra import contract
from llmd_infra.cli import main
from llmd_infra.errors import ConfigError
from llmd_infra.preflight import check_host, names
from llmd_infra.preflight.agent import ApiError, KubeApi, run_once
from llmd_infra.preflight.cluster import summarise
from llmd_infra.preflight.component import IMAGE, NodeCheck, agent_sources
from llmd_infra.preflight.render import render_json
from tests.preflight_trees import DATA, fake_tool, h200_host, l4_host
from tests.test_addons import assert_dependency_contract, children_summary, record

DS = "kubernetes:apps/v1:DaemonSet"
REPO = Path(__file__).resolve().parents[1]


# --- the component ---------------------------------------------------------------------------------


def test_node_check_component_contract() -> None:
    plan = record(lambda o: NodeCheck("nc", {}, o))
    assert plan.named("nc").type == "llmd-infra:addons:NodeCheck"
    assert children_summary(plan, "nc") == [
        ("kubernetes:apps/v1:DaemonSet", "nc-daemonset"),
        ("kubernetes:core/v1:ConfigMap", "nc-agent"),
        ("kubernetes:core/v1:Namespace", "nc-namespace"),
        ("kubernetes:core/v1:ServiceAccount", "nc-sa"),
        ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "nc-clusterrole"),
        ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "nc-clusterrolebinding"),
        ("kubernetes:rbac.authorization.k8s.io/v1:Role", "nc-role"),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "nc-rolebinding"),
    ]
    assert_dependency_contract(plan)
    assert plan.named("nc-namespace").inputs["metadata"] == {
        "name": "llmd-node-check",
        "labels": {"pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/name": "llmd-node-check"},
    }
    assert plan.named("nc-clusterrole").inputs["rules"] == [
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "patch"]}
    ]
    assert plan.named("nc-role").inputs["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "create", "update"]}
    ]
    subject = [{"kind": "ServiceAccount", "name": "llmd-node-check", "namespace": "llmd-node-check"}]
    assert plan.named("nc-clusterrolebinding").inputs["subjects"] == subject
    assert plan.named("nc-rolebinding").inputs["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "llmd-node-check-results"
    }

    ds = plan.named("nc-daemonset").inputs
    assert ds["metadata"]["name"] == "llmd-node-check" and ds["metadata"]["namespace"] == "llmd-node-check"
    assert ds["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    pod = ds["spec"]["template"]["spec"]
    assert pod["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "google.com/tpu", "operator": "Exists", "effect": "NoSchedule"},
    ]
    terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [
        {"matchExpressions": [{"key": "llm-d.ai/pool", "operator": "Exists"}]},
        {"matchExpressions": [{"key": "nvidia.com/gpu.present", "operator": "In", "values": ["true"]}]},
        {"matchExpressions": [{"key": "cloud.google.com/gke-accelerator", "operator": "Exists"}]},
        {"matchExpressions": [{"key": "cloud.google.com/gke-tpu-accelerator", "operator": "Exists"}]},
        {"matchExpressions": [{"key": "feature.node.kubernetes.io/amd-gpu", "operator": "In", "values": ["true"]}]},
    ]
    (container,) = pod["containers"]
    assert container["image"] == IMAGE == "python:3.12.11-slim-bookworm"
    assert container["command"] == [
        "python3", "-m", "llmd_infra.preflight.agent", "--root", "/host", "--interval-minutes", "360"
    ]
    assert container["securityContext"] == {"privileged": True, "readOnlyRootFilesystem": True}
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}
    host_volumes = {v["name"]: v["hostPath"] for v in pod["volumes"] if "hostPath" in v}
    assert host_volumes == {
        "host-proc": {"path": "/proc", "type": "Directory"},
        "host-sys": {"path": "/sys", "type": "Directory"},
        "host-dev": {"path": "/dev", "type": "Directory"},
    }
    assert container["volumeMounts"] == [
        {"name": "host-proc", "mountPath": "/host/proc", "readOnly": True},
        {"name": "host-sys", "mountPath": "/host/sys", "readOnly": True},
        {"name": "host-dev", "mountPath": "/host/dev", "readOnly": True},
        {"name": "agent", "mountPath": "/opt/llmd-node-check", "readOnly": True},
    ]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env["NODE_NAME"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}
    assert env["PYTHONPATH"] == "/opt/llmd-node-check"
    assert env["PATH"].startswith("/usr/local/nvidia/bin:")
    assert "NVIDIA_VISIBLE_DEVICES" not in env and "runtimeClassName" not in pod

    # The ConfigMap holds the agent's sources, mounted back at their package paths.
    sources = agent_sources()
    code = plan.named("nc-agent").inputs["data"]
    (agent_volume,) = [v for v in pod["volumes"] if v["name"] == "agent"]
    items = {i["key"]: i["path"] for i in agent_volume["configMap"]["items"]}
    assert {items[k]: v for k, v in code.items()} == sources
    assert sum(len(v.encode()) for v in code.values()) < 1024 * 1024  # ConfigMap size limit
    assert ds["spec"]["template"]["metadata"]["annotations"]["llmd-infra/agent-sha256"]


def test_agent_bundle_is_standard_library_only() -> None:
    sources = agent_sources()
    assert "llmd_infra/preflight/agent.py" in sources and "llmd_infra/requirements.py" in sources
    for not_shipped in ("cli.py", "component.py", "capture.py", "cluster.py"):
        assert f"llmd_infra/preflight/{not_shipped}" not in sources
    assert not any(p.startswith(("llmd_infra/addons", "llmd_infra/config", "llmd_infra/plan")) for p in sources)


def test_node_check_options() -> None:
    plan = record(
        lambda o: NodeCheck(
            "nc",
            {
                "namespace": "ops-node-check",
                "interval_minutes": 30,
                "nvidia_driver_host_path": "/home/kubernetes/bin/nvidia",
                "runtime_class_name": "nvidia",
                "privileged": False,
                "node_selector": [{"key": "pool", "operator": "In", "values": ["gpu"]}],
                "extra_tolerations": [
                    {"key": "dedicated", "operator": "Equal", "value": "infer", "effect": "NoSchedule"}
                ],
            },
            o,
        )
    )
    pod = plan.named("nc-daemonset").inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"][-1] == "30"
    assert pod["runtimeClassName"] == "nvidia"
    assert {"name": "nvidia-driver", "hostPath": {"path": "/home/kubernetes/bin/nvidia", "type": "Directory"}} in (
        pod["volumes"]
    )
    assert container["volumeMounts"][-1] == {
        "name": "nvidia-driver", "mountPath": "/usr/local/nvidia", "readOnly": True
    }
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert (env["NVIDIA_VISIBLE_DEVICES"], env["NVIDIA_DRIVER_CAPABILITIES"]) == ("all", "utility")
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}
    }
    assert pod["tolerations"][-1] == {"key": "dedicated", "operator": "Equal", "value": "infer", "effect": "NoSchedule"}
    assert pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] == [
        {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["gpu"]}]}
    ]
    assert plan.named("nc-role").inputs["metadata"]["namespace"] == "ops-node-check"


def test_bad_arguments_fail_before_anything_is_registered() -> None:
    with pytest.raises(ConfigError) as info:
        record(lambda o: NodeCheck("nc", {"interval_minutes": 0, "namespace": "Bad_NS"}, o))
    assert str(info.value) == (
        "invalid configuration (2 problems):\n"
        "  - NodeCheck('nc').args.namespace: String should match pattern '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'\n"
        "  - NodeCheck('nc').args.interval_minutes: Input should be greater than or equal to 1 (got 0)"
    )
    assert sorted(r.name for r in info.value.plan.resources) == ["accelerator-pool", "k8s", "system-pool"]


# --- the agent, from the ConfigMap's files alone ---------------------------------------------------


def test_agent_runs_from_the_shipped_files_with_the_standard_library_only(tmp_path: Path) -> None:
    plan = record(lambda o: NodeCheck("nc", {}, o))
    pod = plan.named("nc-daemonset").inputs["spec"]["template"]["spec"]
    (agent_volume,) = [v for v in pod["volumes"] if v["name"] == "agent"]
    data = plan.named("nc-agent").inputs["data"]
    code = tmp_path / "opt"
    for item in agent_volume["configMap"]["items"]:
        target = code / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data[item["key"]])
    h200_host(tmp_path / "host")
    fake_tool(tmp_path / "bin", "nvidia-smi", DATA / "h200-nvidia-smi.csv")
    env = {"PATH": str(tmp_path / "bin"), "PYTHONPATH": str(code)}
    # -S: no site-packages, so neither this checkout nor pydantic/pulumi can be imported.
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import importlib.util, llmd_infra.preflight.agent as a; "
         "print(a.__file__); print(importlib.util.find_spec('pydantic'), importlib.util.find_spec('pulumi'))"],
        env=env, capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    assert probe.stdout.splitlines() == [str(code / "llmd_infra/preflight/agent.py"), "None None"]
    run = subprocess.run(
        [sys.executable, "-S", "-m", "llmd_infra.preflight.agent", "--root", str(tmp_path / "host"),
         "--node", "h200-node-0", "--dry-run"],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["node"], doc["verdict"]) == ({"name": "h200-node-0", "labels": {}}, "pass")
    assert doc["results"][-1]["message"] == "NVIDIA driver 575.57.08; >= 525.60.13, < 580"


class _FakeApi:
    """A recording stand-in for the Kubernetes API server."""

    def __init__(self, node_labels: dict[str, str], configmap_exists: bool = False, patch_status: int = 200) -> None:
        self.calls: list[dict[str, Any]] = []
        self.node_labels = node_labels
        self.configmap_exists = configmap_exists
        self.patch_status = patch_status

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                api.calls.append({
                    "method": self.command, "path": self.path, "body": body,
                    "type": self.headers.get("Content-Type"), "auth": self.headers.get("Authorization"),
                })
                if self.command == "GET":
                    self._answer(200, {"metadata": {"name": "node-a", "labels": api.node_labels}})
                elif self.command == "PATCH":
                    if api.patch_status != 200:
                        self._answer(api.patch_status, {"message": 'nodes "node-a" is forbidden'})
                    else:
                        self._answer(200, {})
                elif self.command == "PUT" and not api.configmap_exists:
                    self._answer(404, {"message": "configmaps \"node-check-node-a\" not found"})
                else:
                    api.configmap_exists = True
                    self._answer(201 if self.command == "POST" else 200, body or {})

            do_GET = do_PATCH = do_PUT = do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def api_server() -> Iterator[tuple[_FakeApi, str]]:
    fake = _FakeApi({names.MULTI_HOST_LABEL: "true", names.POOL_LABEL: "l4"})
    server = HTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_agent_labels_its_node_and_writes_its_configmap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_server: tuple[_FakeApi, str]
) -> None:
    fake, url = api_server
    l4_host(tmp_path / "host")
    fake_tool(tmp_path / "bin", "nvidia-smi", DATA / "l4-nvidia-smi.csv")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    report = run_once(KubeApi(url, token="t0ken"), "node-a", str(tmp_path / "host"), "llmd-node-check")
    # The node's llm-d.ai/multi-host=true label makes the missing RDMA NICs a mandatory failure.
    assert report.verdict == "fail" and report.multi_host is True
    assert [(c["method"], c["path"]) for c in fake.calls] == [
        ("GET", "/api/v1/nodes/node-a"),
        ("PATCH", "/api/v1/nodes/node-a"),
        ("PUT", "/api/v1/namespaces/llmd-node-check/configmaps/node-check-node-a"),
        ("POST", "/api/v1/namespaces/llmd-node-check/configmaps"),
    ]
    assert {c["auth"] for c in fake.calls} == {"Bearer t0ken"}
    patch = fake.calls[1]
    assert patch["type"] == "application/merge-patch+json"
    assert patch["body"] == {"metadata": {"labels": {
        "node-check.llm-d.ai/host-cpu-cores": "fail",
        "node-check.llm-d.ai/host-memory": "fail",
        "node-check.llm-d.ai/host-pcie-generation": "fail",
        "node-check.llm-d.ai/host-network-bandwidth": "fail",
        "node-check.llm-d.ai/accelerator-supported": "pass",
        "node-check.llm-d.ai/accelerator-interconnect": "fail",
        "node-check.llm-d.ai/gpu-driver-version": "pass",
        "node-check.llm-d.ai/verdict": "fail",
    }}}
    configmap = fake.calls[3]["body"]
    assert configmap["metadata"] == {
        "name": "node-check-node-a",
        "namespace": "llmd-node-check",
        "labels": {"app.kubernetes.io/name": "llmd-node-check", "app.kubernetes.io/component": "result",
                   "node-check.llm-d.ai/verdict": "fail"},
        "annotations": {"node-check.llm-d.ai/node": "node-a"},
    }
    doc = json.loads(configmap["data"]["result.json"])
    assert doc["node"] == {"name": "node-a", "labels": {"llm-d.ai/multi-host": "true", "llm-d.ai/pool": "l4"}}
    # Next round replaces the ConfigMap in place.
    fake.calls.clear()
    run_once(KubeApi(url, token="t0ken"), "node-a", str(tmp_path / "host"), "llmd-node-check")
    assert [c["method"] for c in fake.calls] == ["GET", "PATCH", "PUT"]


def test_agent_reports_api_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_server: tuple[_FakeApi, str]
) -> None:
    fake, url = api_server
    fake.patch_status = 403
    l4_host(tmp_path / "host")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ApiError) as info:
        run_once(KubeApi(url), "node-a", str(tmp_path / "host"), "llmd-node-check")
    assert str(info.value) == 'HTTP 403: PATCH /api/v1/nodes/node-a: nodes "node-a" is forbidden'


def test_agent_outside_a_pod_exits_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from llmd_infra.preflight.agent import main as agent_main

    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    assert agent_main(["--node", "n"]) == 2
    assert capsys.readouterr().err == (
        "node-check: no in-cluster API access: HTTP 0: KUBERNETES_SERVICE_HOST is not set: not running in a pod\n"
    )


def test_names_agree_with_the_contract_and_providers() -> None:
    assert names.MULTI_HOST_LABEL == contract.MULTI_HOST_LABEL
    assert f'"{names.POOL_LABEL}": pool.name' in (REPO / "providers" / "gke" / "pools.py").read_text()
    assert names.result_configmap_name("gpu-1") == "node-check-gpu-1"
    long = names.result_configmap_name("n" * 250)
    assert len(long) == 253 and long.startswith("node-check-nnn")


# --- node-check --cluster ----------------------------------------------------------------------


def _configmap(report_json: str, node: str) -> dict[str, Any]:
    return {
        "metadata": {"name": names.result_configmap_name(node), "annotations": {names.NODE_ANNOTATION: node}},
        "data": {names.RESULT_KEY: report_json},
    }


@pytest.fixture
def cluster_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Two H200 nodes that pass, one multi-host L4 node that fails, one broken ConfigMap."""
    bin_dir = tmp_path / "tools"
    fake_tool(bin_dir, "nvidia-smi", DATA / "h200-nvidia-smi.csv")
    h200_host(tmp_path / "h200")
    l4_host(tmp_path / "l4")
    monkeypatch.setenv("PATH", str(bin_dir))
    items = []
    for node in ("h200-b", "h200-a"):
        report = check_host(tmp_path / "h200", node={"name": node, "labels": {names.POOL_LABEL: "h200"}})
        items.append(_configmap(render_json(report), node))
    fake_tool(bin_dir, "nvidia-smi", DATA / "l4-nvidia-smi.csv")
    l4 = check_host(tmp_path / "l4", multi_host=True, node={"name": "l4-a", "labels": {names.POOL_LABEL: "l4"}})
    items.append(_configmap(render_json(l4), "l4-a"))
    items.append({"metadata": {"name": "node-check-broken"}, "data": {names.RESULT_KEY: "{not json"}})
    return {"apiVersion": "v1", "kind": "List", "items": items}


def _kubectl(bin_dir: Path, stdout: str, returncode: int = 0, stderr: str = "") -> None:
    """A stand-in kubectl that records its arguments next to itself."""
    fake_tool(bin_dir, "kubectl", stdout, returncode, stderr)
    script = bin_dir / "kubectl"
    text = script.read_text().replace(
        "import sys\n", f"import sys\nopen({str(bin_dir / 'kubectl.args')!r}, 'w').write(' '.join(sys.argv[1:]))\n", 1
    )
    script.write_text(text)


def test_cluster_summary_per_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster_results: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    bin_dir = tmp_path / "kbin"
    _kubectl(bin_dir, json.dumps(cluster_results))
    monkeypatch.setenv("PATH", str(bin_dir))
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    code = main(["node-check", "--cluster", "--kubeconfig", str(kubeconfig), "--context", "prod"])
    out = capsys.readouterr().out
    assert code == 1  # l4-a fails the mandatory interconnect requirement
    assert (bin_dir / "kubectl.args").read_text() == (
        "get configmaps -n llmd-node-check -l app.kubernetes.io/name=llmd-node-check,"
        f"app.kubernetes.io/component=result -o json --kubeconfig {kubeconfig} --context prod"
    )
    lines = out.splitlines()
    assert lines[0] == "node-check results in namespace llmd-node-check: 3 node(s) in 2 pool(s) (by llm-d.ai/pool)"
    assert lines[2] == "pool h200: 2 node(s), 2 pass"
    assert lines[3] == "  host-cpu-cores            2 pass"
    assert "pool l4: 1 node(s), 1 fail" in lines
    assert (
        '  FAIL l4-a accelerator-interconnect (mandatory): no RDMA device in /sys/class/infiniband and no TPU chip; '
        'multi-host inference needs "Fast internode networking for accelerators: AMD Infinity Fabric, InfiniBand '
        'NICs; Google TPU ICI; NVIDIA NVLink, InfiniBand or RoCE NICs"'
    ) in lines
    assert lines[-1] == "unreadable result: ConfigMap node-check-broken: result.json is not JSON (Expecting property " \
        "name enclosed in double quotes)"

    summary = summarise(cluster_results["items"], "llmd-node-check", names.POOL_LABEL).to_dict()
    h200 = summary["pools"][0]
    assert (h200["pool"], h200["nodes"], h200["verdicts"]) == ("h200", ["h200-a", "h200-b"], {"pass": 2})
    assert h200["requirements"]["gpu-driver-version"] == {"pass": 2}
    l4 = summary["pools"][1]
    assert l4["requirements"]["host-cpu-cores"] == {"fail": 1}
    assert [f["id"] for f in l4["failures"]] == [
        "host-cpu-cores", "host-memory", "host-pcie-generation", "host-network-bandwidth", "accelerator-interconnect"
    ]


def test_cluster_summary_by_another_pool_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster_results: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _kubectl(tmp_path / "kbin", json.dumps(cluster_results))
    monkeypatch.setenv("PATH", str(tmp_path / "kbin"))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kbin" / "kubectl"))  # any existing file
    assert main(["node-check", "--cluster", "--pool-label", "cloud.google.com/gke-nodepool", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [p["pool"] for p in doc["pools"]] == ["(no cloud.google.com/gke-nodepool label)"]
    assert doc["nodes"] == 3


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-kubectl", "error: kubectl is not on PATH; node-check --cluster reads the results with `kubectl get "
                       "configmaps -n llmd-node-check -l app.kubernetes.io/name=llmd-node-check,"
                       "app.kubernetes.io/component=result -o json`"),
        ("missing-kubeconfig", "error: kubeconfig /nonexistent/kubeconfig does not exist"),
        ("bad-env", "error: KUBECONFIG names no existing file (/nonexistent/a:/nonexistent/b)"),
        ("no-kubeconfig", "error: no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG (no {home}/.kube/config)"),
        ("kubectl-fails", "error: kubectl get configmaps -n llmd-node-check failed (exit 1): error: You must be "
                          "logged in to the server (Unauthorized)"),
    ],
)
def test_cluster_read_errors_exit_2(
    setup: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bin_dir = tmp_path / "kbin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    args = ["node-check", "--cluster"]
    if setup != "no-kubectl":
        _kubectl(bin_dir, "", 1, "error: You must be logged in to the server (Unauthorized)\n")
    if setup == "missing-kubeconfig":
        args += ["--kubeconfig", "/nonexistent/kubeconfig"]
    elif setup == "bad-env":
        monkeypatch.setenv("KUBECONFIG", "/nonexistent/a:/nonexistent/b")
    elif setup == "kubectl-fails":
        (tmp_path / ".kube").mkdir()
        (tmp_path / ".kube" / "config").write_text("apiVersion: v1\n")
    assert main(args) == 2
    assert capsys.readouterr().err.strip() == message.format(home=tmp_path)


def test_cluster_without_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _kubectl(tmp_path / "kbin", json.dumps({"items": []}))
    monkeypatch.setenv("PATH", str(tmp_path / "kbin"))
    (tmp_path / "kc").write_text("apiVersion: v1\n")
    assert main(["node-check", "--cluster", "--kubeconfig", str(tmp_path / "kc")]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "no results yet: is the NodeCheck component deployed, and are accelerator nodes up?"
    )
