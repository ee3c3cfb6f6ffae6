"""A project whose `main` is a file, not a folder; logs through pulumi.log."""
import pulumi
import pulumi_kubernetes as k8s

config = pulumi.Config()
pulumi.log.warn("offline plans keep program logs")
k8s.core.v1.ConfigMap("cm", data={"greeting": config.require("greeting"), "nested": config.require("nested")})
pulumi.export("secret", config.require_secret("password"))
