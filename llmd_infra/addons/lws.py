"""LeaderWorkerSet (LWS): llm-d's controller for multi-host (leader/worker) serving."""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
from pydantic import Field, field_validator, model_validator

from llmd_infra import pins
from llmd_infra.addons._common import TYPE_PREFIX, caller_dependencies, helm_release, namespace, validate_args
from llmd_infra.addons.sdk import k8s
from llmd_infra.config.addons import check_disaggregated_set, check_lws_version, resolve_disaggregated_set
from llmd_infra.config.base import LlmdModel

LWS_CRD_NAME = "leaderworkersets.leaderworkerset.x-k8s.io"
LWS_RELEASE_NAME = "lws"
HELM_KEEP_ANNOTATION = "helm.sh/resource-policy"


class LeaderWorkerSetArgs(TypedDict, total=False):
    """Arguments of :class:`LeaderWorkerSet`."""

    version: pulumi.Input[str]
    """LWS Helm chart version (``oci://registry.k8s.io/lws/charts/lws``); at least llm-d's ``lws-version``
    requirement. Defaults to ``llmd_infra.pins.LWS``."""
    enable_disaggregated_set: pulumi.Input[bool]
    """Set ``enableDisaggregatedSet=true`` (DisaggregatedSet webhook + RBAC, as llm-d's P/D and wide-EP
    guides install LWS). Default: on where the chart version has the value (0.9.0 and newer); an older
    pinned chart drops it, and asking for it there is an error."""
    protect: bool
    """Pulumi ``protect`` on the Helm release (default true): deleting the release through Pulumi would
    ``helm uninstall`` LWS, and for <= 0.7.0 charts its CRD with every LeaderWorkerSet."""


class _LwsInput(LlmdModel):
    version: str = pins.LWS.version
    enable_disaggregated_set: bool | None = Field(default=None)
    protect: bool = True

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        return check_lws_version(value)

    @model_validator(mode="after")
    def _option_in_version(self) -> _LwsInput:
        check_disaggregated_set("LeaderWorkerSetArgs", self.version, self.enable_disaggregated_set)
        return self


class LeaderWorkerSet(pulumi.ComponentResource):
    """LWS from its Helm chart into ``lws-system``, guarded against kubernetes-sigs/lws#880.

    **The hazard.** LWS charts up to 0.7.0 ship the CRD under ``templates/crds/``, so it is part of
    the Helm release manifest; from 0.8.0 it lives in the chart's ``crds/`` directory, which Helm
    installs once and never renders into the manifest. ``helm upgrade`` deletes every object that is
    in the old manifest but not in the new one, so 0.7.0 -> 0.8+ deletes the CRD and Kubernetes
    cascade-deletes every ``LeaderWorkerSet`` (llm-d docs/infrastructure/multi-node.md).

    **The design** (why a version change of a guarded install cannot delete the CRD):

    1. Helm's upgrade deletion step re-reads the *live* object and skips it when it carries
       ``helm.sh/resource-policy: keep`` (the workaround named in lws#880). The ``-crd-guard`` child
       is a ``CustomResourceDefinitionPatch`` that server-side-applies exactly that annotation to
       ``leaderworkersets.leaderworkerset.x-k8s.io`` right after the first install. Its inputs and
       name do not mention the version, so a version change never touches it; it is ``protect``-ed
       and ``retain_on_delete`` (removing the guard from the program leaves the annotation in place,
       instead of SSA stripping the field it managed).
    2. The release's identity is version-independent: Helm release ``lws`` in ``lws-system``, Pulumi
       name ``<name>-release``. A version change is a Pulumi *update* (``helm upgrade``), never a
       replace (which would ``helm uninstall`` and, for a <= 0.7.0 release, take the CRD with it).
    3. ``skip_crds`` stays **off**: for >= 0.8.0 charts Helm installs the CRDs from ``crds/``
       (including the DisaggregatedSet CRDs of 0.11+), and Helm never deletes ``crds/`` objects on
       upgrade or uninstall. Turning it on would not help 0.7.0 (its CRD is a template) and would
       leave a fresh install without CRDs unless this library vendored a 1.2 MB CRD per LWS version
       and fought the controller over the conversion-webhook ``caBundle``.

    **Precondition.** The guard patches a CRD the first install creates, so it depends on the
    release; in one ``pulumi up`` that both creates the guard and changes the version, the ``helm
    upgrade`` runs first, unguarded. A <= 0.7.x install made without the guard (by hand, by ``helm``,
    by an older llmd-infra) must first get one ``pulumi up`` at its installed version (or lws#880's
    ``kubectl annotate ... helm.sh/resource-policy=keep``) before the version changes.

    What this does not do: Helm never *upgrades* ``crds/`` CRDs, so moving between >= 0.8 chart
    versions keeps the CRD schema of the first install (see docs/addons.md for the manual
    ``kubectl apply --server-side`` of the new CRD). Deleting this component (``helm uninstall``) of a
    0.7.0 release still deletes a template-owned CRD; Helm ignores live annotations on uninstall.
    """

    namespace: pulumi.Output[str]
    release_name: pulumi.Output[str]
    version: pulumi.Output[str]
    crd_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: LeaderWorkerSetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cfg = validate_args(_LwsInput, dict(args), "LeaderWorkerSet", name)
        super().__init__(f"{TYPE_PREFIX}LeaderWorkerSet", name, cfg.model_dump(by_alias=True), opts)
        deps = caller_dependencies(opts)

        ns = namespace(f"{name}-namespace", pins.LWS.namespace, self, deps)
        values: dict[str, Any] = {}
        if resolve_disaggregated_set(cfg.version, cfg.enable_disaggregated_set):
            values["enableDisaggregatedSet"] = True
        self.release = helm_release(
            f"{name}-release",
            release_name=LWS_RELEASE_NAME,
            chart=pins.LWS.chart,
            version=cfg.version,
            namespace=pins.LWS.namespace,
            values=values,
            parent=self,
            depends_on=[*deps, ns],
            protect=cfg.protect,
        )
        self.crd_guard = k8s.apiextensions.v1.CustomResourceDefinitionPatch(
            f"{name}-crd-guard",
            metadata=k8s.meta.v1.ObjectMetaPatchArgs(
                name=LWS_CRD_NAME,
                annotations={
                    HELM_KEEP_ANNOTATION: "keep",
                    # The annotation key is ours alone, but force keeps the apply idempotent if a
                    # person ran the lws#880 `kubectl annotate` workaround by hand first.
                    "pulumi.com/patchForce": "true",
                },
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*deps, self.release], protect=True, retain_on_delete=True
            ),
        )
        self.namespace = pulumi.Output.from_input(pins.LWS.namespace)
        self.release_name = pulumi.Output.from_input(LWS_RELEASE_NAME)
        self.version = pulumi.Output.from_input(cfg.version)
        self.crd_name = pulumi.Output.from_input(LWS_CRD_NAME)
        self.register_outputs(
            {
                "namespace": self.namespace,
                "releaseName": self.release_name,
                "version": self.version,
                "crdName": self.crd_name,
            }
        )
