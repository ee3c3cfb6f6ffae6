"""A raw Kubernetes program: a namespace and the LWS Helm release into it."""
import pulumi
import pulumi_kubernetes as k8s

ns = k8s.core.v1.Namespace("lws-system", metadata=k8s.meta.v1.ObjectMetaArgs(name="lws-system"))
release = k8s.helm.v3.Release(
    "lws",
    k8s.helm.v3.ReleaseArgs(
        chart="oci://registry.k8s.io/lws/charts/lws",
        version=pulumi.Config().get("lwsVersion") or "0.7.0",
        namespace=ns.metadata.name,
    ),
)
pulumi.export("status", release.status)
