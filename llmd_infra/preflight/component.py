"""``NodeCheck``: an opt-in DaemonSet that runs node-check on every accelerator node.

What it creates (all children of the component, each waiting only for the caller's dependencies):

* a namespace (``llmd-node-check``, Pod Security ``privileged``: the pods mount host paths);
* a ServiceAccount with a ClusterRole to read and label Nodes and a Role to write ConfigMaps in
  the namespace;
* a ConfigMap holding the agent's source: :mod:`llmd_infra.preflight.agent` and the modules it
  imports (standard library only), computed from the installed package, so the image is a stock
  Python image (:data:`IMAGE`) and nothing is installed at start-up;
* the DaemonSet: on nodes matching any of the accelerator node labels, tolerating the
  ``nvidia.com/gpu``, ``amd.com/gpu`` and ``google.com/tpu`` taints, with the host's /proc, /sys and
  /dev mounted read-only under ``/host``. ``pulumi.com/skipAwait`` keeps ``pulumi up`` from waiting
  for pods that only run once accelerator nodes exist.

The agent labels each node ``node-check.llm-d.ai/<requirement id>=pass|fail|unknown`` and writes its
JSON report to the ConfigMap ``node-check-<node>``; ``llmd-infra node-check --cluster`` reads them back.

nvidia-smi is the host's: pass ``nvidia_driver_host_path`` where the driver installer put it (the
folder holding ``bin/`` and ``lib64/``, mounted at ``/usr/local/nvidia``), or ``runtime_class_name``
(e.g. ``nvidia`` with the GPU Operator) so the NVIDIA runtime injects it. Without either, GPU models
and the driver are ``unknown`` (PCIe links are still judged from sysfs).
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import TypedDict

import pulumi
import pulumi_kubernetes as k8s
from pydantic import Field

from llmd_infra.addons._common import TYPE_PREFIX, caller_dependencies, child_opts, namespace, validate_args
from llmd_infra.addons.dra import Toleration
from llmd_infra.config.base import LlmdModel
from llmd_infra.preflight.names import APP, NAMESPACE

IMAGE = "python:3.12.11-slim-bookworm"
"""The Docker Official Python image (multi-arch: amd64 and arm64 nodes), pinned by tag. The agent
needs only the standard library of Python 3.10 or newer; its code comes from the ConfigMap."""

AGENT_MODULE = "llmd_infra.preflight.agent"
CODE_DIR = "/opt/llmd-node-check"
HOST_ROOT = "/host"
NVIDIA_DIR = "/usr/local/nvidia"
DEFAULT_INTERVAL_MINUTES = 360

ACCELERATOR_NODE_LABELS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("llm-d.ai/pool", "Exists", (), "accelerator pools of llmd-infra's providers"),
    ("nvidia.com/gpu.present", "In", ("true",), "NVIDIA GPU Feature Discovery (GPU Operator)"),
    ("cloud.google.com/gke-accelerator", "Exists", (), "GKE GPU nodes"),
    ("cloud.google.com/gke-tpu-accelerator", "Exists", (), "GKE TPU nodes"),
    ("feature.node.kubernetes.io/amd-gpu", "In", ("true",), "AMD GPU Operator's NodeFeatureRule (ROCm/gpu-operator)"),
)
"""Default node selection: a node matching any one of these runs the check."""

ACCELERATOR_TAINTS = ("nvidia.com/gpu", "amd.com/gpu", "google.com/tpu")


class NodeSelectorRequirement(TypedDict, total=False):
    """One node label condition (the Kubernetes ``NodeSelectorRequirement`` fields)."""

    key: str
    operator: str
    values: list[str]


class NodeCheckArgs(TypedDict, total=False):
    """Arguments of :class:`NodeCheck` (all optional)."""

    namespace: str
    """Namespace of the DaemonSet and the result ConfigMaps (default ``llmd-node-check``)."""
    image: str
    """Image with Python 3.10+ on PATH as ``python3`` (default :data:`IMAGE`)."""
    interval_minutes: int
    """How often each node re-checks itself (default 360)."""
    node_selector: list[NodeSelectorRequirement]
    """Nodes to check: each condition is one alternative (a node matching any runs the check).
    Default: :data:`ACCELERATOR_NODE_LABELS`."""
    extra_tolerations: list[Toleration]
    """Tolerations besides the ``nvidia.com/gpu``, ``amd.com/gpu`` and ``google.com/tpu`` taints."""
    nvidia_driver_host_path: str
    """Host folder with the NVIDIA driver's ``bin/`` and ``lib64/`` (GKE: ``/home/kubernetes/bin/nvidia``)."""
    runtime_class_name: str
    """RuntimeClass that injects the GPU tools (``nvidia`` with the GPU Operator)."""
    privileged: bool
    """Run privileged (default true): nvidia-smi needs the GPU device nodes, which a pod that requests no
    GPU sees only when privileged or through the NVIDIA runtime."""


class _Selector(LlmdModel):
    key: str = Field(min_length=1)
    operator: str = "Exists"
    values: list[str] = Field(default_factory=list)


class _Toleration(LlmdModel):
    key: str = ""
    operator: str = "Exists"
    value: str = ""
    effect: str = ""


class _NodeCheckInput(LlmdModel):
    namespace: str = Field(default=NAMESPACE, pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    image: str = Field(default=IMAGE, min_length=1)
    interval_minutes: int = Field(default=DEFAULT_INTERVAL_MINUTES, ge=1, le=7 * 24 * 60)
    node_selector: list[_Selector] = Field(
        default_factory=lambda: [
            _Selector(key=k, operator=op, values=list(v)) for k, op, v, _ in ACCELERATOR_NODE_LABELS
        ],
        min_length=1,
    )
    extra_tolerations: list[_Toleration] = Field(default_factory=list)
    nvidia_driver_host_path: str = Field(default="", pattern=r"^(/.*)?$")
    runtime_class_name: str = ""
    privileged: bool = True


def _module_file(package_dir: Path, module: str) -> Path | None:
    parts = module.split(".")[1:]
    base = package_dir.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """``llmd_infra`` modules a module imports at run time (``TYPE_CHECKING`` blocks skipped)."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module.split(".") if is_package else module.split(".")[:-1]
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return {m for m in found if m == "llmd_infra" or m.startswith("llmd_infra.")}


def agent_sources() -> dict[str, str]:
    """Relative path → source of the agent module and every ``llmd_infra`` module it needs."""
    import llmd_infra

    package_dir = Path(llmd_infra.__file__).resolve().parent
    pending = [AGENT_MODULE]
    sources: dict[str, str] = {}
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages
        path = _module_file(package_dir, module)
        if path is None:
            continue  # an attribute imported from a package, not a module
        text = path.read_text(encoding="utf-8")
        rel = "/".join(["llmd_infra", *path.relative_to(package_dir).parts])
        sources[rel] = text
        pending += sorted(_imports(ast.parse(text), module, path.name == "__init__.py"))
    return dict(sorted(sources.items()))


def _key(rel: str) -> str:
    """ConfigMap keys may not hold "/": ``llmd_infra/preflight/agent.py`` → ``llmd_infra--preflight--agent.py``."""
    return rel.replace("/", "--")


class NodeCheck(pulumi.ComponentResource):
    """Runs ``llmd-infra node-check`` on every accelerator node; results as node labels and ConfigMaps."""

    namespace: pulumi.Output[str]
    daemonset_name: pulumi.Output[str]
    image: pulumi.Output[str]

    def __init__(
        self, name: str, args: NodeCheckArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_NodeCheckInput, dict(args or {}), "NodeCheck", name)
        super().__init__(f"{TYPE_PREFIX}NodeCheck", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)
        ns_name = cfg.namespace
        meta = k8s.meta.v1.ObjectMetaArgs
        labels = {"app.kubernetes.io/name": APP, "app.kubernetes.io/component": "agent"}
        ns = namespace(
            f"{name}-namespace", ns_name, self, deps,
            labels={"pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/name": APP},
        )
        sa = k8s.core.v1.ServiceAccount(
            f"{name}-sa", metadata=meta(name=APP, namespace=ns_name, labels=labels), opts=child_opts(self, deps, ns)
        )
        cluster_role = k8s.rbac.v1.ClusterRole(
            f"{name}-clusterrole",
            metadata=meta(name=APP, labels=labels),
            rules=[k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["nodes"], verbs=["get", "patch"])],
            opts=child_opts(self, deps),
        )
        subject = k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=APP, namespace=ns_name)
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-clusterrolebinding",
            metadata=meta(name=APP, labels=labels),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=APP),
            subjects=[subject],
            opts=child_opts(self, deps, cluster_role, sa),
        )
        role = k8s.rbac.v1.Role(
            f"{name}-role",
            metadata=meta(name=f"{APP}-results", namespace=ns_name, labels=labels),
            rules=[
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=[""], resources=["configmaps"], verbs=["get", "create", "update"]
                )
            ],
            opts=child_opts(self, deps, ns),
        )
        k8s.rbac.v1.RoleBinding(
            f"{name}-rolebinding",
            metadata=meta(name=f"{APP}-results", namespace=ns_name, labels=labels),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role", name=f"{APP}-results"),
            subjects=[subject],
            opts=child_opts(self, deps, role, sa),
        )
        sources = agent_sources()
        digest = hashlib.sha256("".join(f"{k}\0{v}\0" for k, v in sources.items()).encode()).hexdigest()
        code = k8s.core.v1.ConfigMap(
            f"{name}-agent",
            metadata=meta(name=f"{APP}-agent", namespace=ns_name, labels=labels),
            data={_key(rel): text for rel, text in sources.items()},
            opts=child_opts(self, deps, ns),
        )
        self.daemonset = k8s.apps.v1.DaemonSet(
            f"{name}-daemonset",
            metadata=meta(
                name=APP,
                namespace=ns_name,
                labels=labels,
                # Pods run only on accelerator nodes; awaiting them would tie `pulumi up` to those pools.
                annotations={"pulumi.com/skipAwait": "true"},
            ),
            spec=k8s.apps.v1.DaemonSetSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                update_strategy=k8s.apps.v1.DaemonSetUpdateStrategyArgs(type="RollingUpdate"),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=meta(labels=labels, annotations={"llmd-infra/agent-sha256": digest}),
                    spec=self._pod_spec(cfg, sources),
                ),
            ),
            opts=child_opts(self, deps, code, sa),
        )
        self.namespace = pulumi.Output.from_input(ns_name)
        self.daemonset_name = pulumi.Output.from_input(APP)
        self.image = pulumi.Output.from_input(cfg.image)
        self.register_outputs({"namespace": self.namespace, "daemonsetName": self.daemonset_name, "image": self.image})

    @staticmethod
    def _pod_spec(cfg: _NodeCheckInput, sources: dict[str, str]) -> k8s.core.v1.PodSpecArgs:
        host = k8s.core.v1.HostPathVolumeSourceArgs
        volumes = [
            k8s.core.v1.VolumeArgs(name="host-proc", host_path=host(path="/proc", type="Directory")),
            k8s.core.v1.VolumeArgs(name="host-sys", host_path=host(path="/sys", type="Directory")),
            k8s.core.v1.VolumeArgs(name="host-dev", host_path=host(path="/dev", type="Directory")),
            k8s.core.v1.VolumeArgs(
                name="agent",
                config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(
                    name=f"{APP}-agent",
                    items=[k8s.core.v1.KeyToPathArgs(key=_key(rel), path=rel) for rel in sources],
                ),
            ),
        ]
        mounts = [
            k8s.core.v1.VolumeMountArgs(name="host-proc", mount_path=f"{HOST_ROOT}/proc", read_only=True),
            k8s.core.v1.VolumeMountArgs(name="host-sys", mount_path=f"{HOST_ROOT}/sys", read_only=True),
            k8s.core.v1.VolumeMountArgs(name="host-dev", mount_path=f"{HOST_ROOT}/dev", read_only=True),
            k8s.core.v1.VolumeMountArgs(name="agent", mount_path=CODE_DIR, read_only=True),
        ]
        if cfg.nvidia_driver_host_path:
            volumes.append(
                k8s.core.v1.VolumeArgs(
                    name="nvidia-driver", host_path=host(path=cfg.nvidia_driver_host_path, type="Directory")
                )
            )
            mounts.append(k8s.core.v1.VolumeMountArgs(name="nvidia-driver", mount_path=NVIDIA_DIR, read_only=True))
        env = [
            k8s.core.v1.EnvVarArgs(
                name="NODE_NAME",
                value_from=k8s.core.v1.EnvVarSourceArgs(
                    field_ref=k8s.core.v1.ObjectFieldSelectorArgs(field_path="spec.nodeName")
                ),
            ),
            k8s.core.v1.EnvVarArgs(
                name="POD_NAMESPACE",
                value_from=k8s.core.v1.EnvVarSourceArgs(
                    field_ref=k8s.core.v1.ObjectFieldSelectorArgs(field_path="metadata.namespace")
                ),
            ),
            k8s.core.v1.EnvVarArgs(name="PYTHONPATH", value=CODE_DIR),
            k8s.core.v1.EnvVarArgs(name="PYTHONDONTWRITEBYTECODE", value="1"),
            k8s.core.v1.EnvVarArgs(
                name="PATH", value=f"{NVIDIA_DIR}/bin:/opt/rocm/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            ),
            k8s.core.v1.EnvVarArgs(name="LD_LIBRARY_PATH", value=f"{NVIDIA_DIR}/lib64"),
        ]
        if cfg.runtime_class_name:
            env += [
                k8s.core.v1.EnvVarArgs(name="NVIDIA_VISIBLE_DEVICES", value="all"),
                k8s.core.v1.EnvVarArgs(name="NVIDIA_DRIVER_CAPABILITIES", value="utility"),
            ]
        security = (
            k8s.core.v1.SecurityContextArgs(privileged=True, read_only_root_filesystem=True)
            if cfg.privileged
            else k8s.core.v1.SecurityContextArgs(
                allow_privilege_escalation=False,
                read_only_root_filesystem=True,
                capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
            )
        )
        tolerations = [
            k8s.core.v1.TolerationArgs(key=taint, operator="Exists", effect="NoSchedule")
            for taint in ACCELERATOR_TAINTS
        ] + [
            k8s.core.v1.TolerationArgs(**{k: v for k, v in t.model_dump().items() if v})
            for t in cfg.extra_tolerations
        ]
        terms = [
            k8s.core.v1.NodeSelectorTermArgs(
                match_expressions=[
                    k8s.core.v1.NodeSelectorRequirementArgs(key=s.key, operator=s.operator, values=s.values or None)
                ]
            )
            for s in cfg.node_selector
        ]
        return k8s.core.v1.PodSpecArgs(
            service_account_name=APP,
            runtime_class_name=cfg.runtime_class_name or None,
            termination_grace_period_seconds=5,
            affinity=k8s.core.v1.AffinityArgs(
                node_affinity=k8s.core.v1.NodeAffinityArgs(
                    required_during_scheduling_ignored_during_execution=k8s.core.v1.NodeSelectorArgs(
                        node_selector_terms=terms
                    )
                )
            ),
            tolerations=tolerations,
            volumes=volumes,
            containers=[
                k8s.core.v1.ContainerArgs(
                    name="node-check",
                    image=cfg.image,
                    command=[
                        "python3", "-m", AGENT_MODULE, "--root", HOST_ROOT,
                        "--interval-minutes", str(cfg.interval_minutes),
                    ],
                    env=env,
                    volume_mounts=mounts,
                    security_context=security,
                    resources=k8s.core.v1.ResourceRequirementsArgs(
                        requests={"cpu": "10m", "memory": "64Mi"}, limits={"memory": "256Mi"}
                    ),
                )
            ],
        )
