"""A component with children, an explicit provider, depends_on, protect and ignore_changes."""
import helpers
import pulumi
import pulumi_kubernetes as k8s


class Box(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("demo:index:Box", name, {"size": 1}, opts)
        self.provider = k8s.Provider(
            f"{name}-k8s", kubeconfig=pulumi.Output.secret("apiVersion: v1"), opts=pulumi.ResourceOptions(parent=self)
        )
        self.ns = k8s.core.v1.Namespace(
            f"{name}-ns",
            metadata={"name": helpers.PREFIX},
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider, protect=True),
        )
        self.cm = k8s.core.v1.ConfigMap(
            f"{name}-cm",
            metadata={"namespace": self.ns.metadata.name},
            data={"replicas": str(pulumi.Config().require_int("replicas"))},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.ns], ignore_changes=["data"]),
        )
        self.register_outputs({"namespace": self.ns.metadata.name})


box = Box("box")
pulumi.export("namespace", box.ns.metadata.name)
pulumi.export("zones", pulumi.Config().require_object("settings")["zones"])
