"""A small raw program: one GKE cluster, one GPU node pool, a kubeconfig output."""
import pulumi
import pulumi_gcp as gcp

config = pulumi.Config()
cluster = gcp.container.Cluster(
    "gpu-cluster",
    location="us-central1",
    remove_default_node_pool=True,
    initial_node_count=1,
    min_master_version="1.33",
    deletion_protection=True,
    opts=pulumi.ResourceOptions(protect=True),
)
pool = gcp.container.NodePool(
    "h100",
    cluster=cluster.name,
    location="us-central1",
    node_count=config.require_int("nodeCount"),
    node_config=gcp.container.NodePoolNodeConfigArgs(
        machine_type="a3-highgpu-8g",
        guest_accelerators=[gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(type="nvidia-h100-80gb", count=8)],
    ),
    opts=pulumi.ResourceOptions(ignore_changes=["nodeCount"]),
)
pulumi.export("endpoint", cluster.endpoint)
pulumi.export("kubeconfig", pulumi.Output.secret(cluster.endpoint.apply(lambda e: f"server: https://{e}")))
pulumi.export("token", config.require_secret("token"))
