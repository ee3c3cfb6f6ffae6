"""A raw DOKS program: cluster with a CPU pool, an H100 pool, kubeconfig output."""
import pulumi
import pulumi_digitalocean as do

cluster = do.KubernetesCluster(
    "doks",
    region="nyc2",
    version="1.33.1-do.3",
    surge_upgrade=True,
    auto_upgrade=True,
    node_pool=do.KubernetesClusterNodePoolArgs(name="system", size="s-8vcpu-16gb", node_count=2),
)
gpus = do.KubernetesNodePool(
    "h100",
    cluster_id=cluster.id,
    size="gpu-h100x8-640gb",
    auto_scale=True,
    min_nodes=1,
    max_nodes=2,
    labels={"llm-d.ai/multi-host": "true"},
)
pulumi.export("kubeconfig", cluster.kube_configs[0].raw_config)
