# The Terraform equivalent of the `gke-a3-ultra` ready stack (stacks/Pulumi.gke-a3-ultra.yaml), written
# resource for resource from the plan `llmd-infra preview gke-a3-ultra --format json` records, so that
# benchmarks/bench_checkov.py can time Checkov (`checkov -d DIR --framework terraform`) on the same
# infrastructure. It is a benchmark input only: never applied, not kept in step with the stack by a test.

terraform {
  required_providers {
    google     = { source = "hashicorp/google", version = "~> 6.0" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.30" }
    helm       = { source = "hashicorp/helm", version = "~> 2.13" }
  }
}

locals {
  project = "my-gcp-project"
  region  = "us-central1"
  zone    = "us-central1-b"
  name    = "llmd-a3-ultra"
}

# --- ClusterNetwork: VPC, node subnet (pods/services ranges), proxy-only subnet, Cloud NAT ------------

resource "google_compute_network" "vpc" {
  name                    = local.name
  project                 = local.project
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
  description             = "llmd-infra: network of GKE cluster llmd-a3-ultra"
}

resource "google_compute_subnetwork" "nodes" {
  name                     = "${local.name}-nodes"
  project                  = local.project
  region                   = local.region
  network                  = google_compute_network.vpc.id
  ip_cidr_range            = "10.0.0.0/20"
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = "10.4.0.0/14"
  }
  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = "10.8.0.0/20"
  }
  log_config {
    aggregation_interval = "INTERVAL_5_SEC"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_subnetwork" "proxy_only" {
  name          = "${local.name}-proxy-only"
  project       = local.project
  region        = local.region
  network       = google_compute_network.vpc.id
  ip_cidr_range = "10.9.0.0/23"
  purpose       = "REGIONAL_MANAGED_PROXY"
  role          = "ACTIVE"
}

resource "google_compute_router" "router" {
  name    = "${local.name}-router"
  project = local.project
  region  = local.region
  network = google_compute_network.vpc.id
}

resource "google_compute_router_nat" "nat" {
  name                               = "${local.name}-nat"
  project                            = local.project
  region                             = local.region
  router                             = google_compute_router.router.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# --- Node service account (least privilege) -----------------------------------------------------------

resource "google_service_account" "nodes" {
  account_id   = "${local.name}-nodes"
  project      = local.project
  display_name = "GKE nodes of llmd-a3-ultra (llmd-infra)"
}

resource "google_project_iam_member" "nodes_default_node_sa" {
  project = local.project
  role    = "roles/container.defaultNodeServiceAccount"
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_project_iam_member" "nodes_artifactregistry_reader" {
  project = local.project
  role    = "roles/artifactregistry.reader"
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

# --- The cluster -------------------------------------------------------------------------------------

resource "google_container_cluster" "cluster" {
  name                        = local.name
  project                     = local.project
  location                    = local.region
  node_locations              = [local.zone]
  description                 = "llm-d cluster (llmd-infra)"
  min_master_version          = "1.34"
  network                     = google_compute_network.vpc.name
  subnetwork                  = google_compute_subnetwork.nodes.name
  networking_mode             = "VPC_NATIVE"
  datapath_provider           = "ADVANCED_DATAPATH"
  deletion_protection         = true
  enable_intranode_visibility = true
  enable_kubernetes_alpha     = false
  enable_legacy_abac          = false
  enable_shielded_nodes       = true
  initial_node_count          = 1
  remove_default_node_pool    = true
  resource_labels             = { "managed-by" = "llmd-infra" }

  addons_config {
    gce_persistent_disk_csi_driver_config { enabled = true }
    gcs_fuse_csi_driver_config { enabled = true }
    horizontal_pod_autoscaling { disabled = false }
    http_load_balancing { disabled = false }
  }
  gateway_api_config { channel = "CHANNEL_STANDARD" }
  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }
  logging_config { enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"] }
  master_auth {
    client_certificate_config { issue_client_certificate = false }
  }
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "203.0.113.0/24"
      display_name = "operator-egress"
    }
    gcp_public_cidrs_access_enabled = false
  }
  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
    managed_prometheus {
      enabled = true
      auto_monitoring_config { scope = "ALL" }
    }
  }
  node_config {
    image_type      = "COS_CONTAINERD"
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    service_account = google_service_account.nodes.email
    shielded_instance_config {
      enable_integrity_monitoring = true
      enable_secure_boot          = true
    }
    workload_metadata_config { mode = "GKE_METADATA" }
  }
  private_cluster_config {
    enable_private_endpoint = false
    enable_private_nodes    = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
    master_global_access_config { enabled = true }
  }
  release_channel { channel = "REGULAR" }
  binary_authorization { evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE" }
  maintenance_policy {
    daily_maintenance_window { start_time = "09:00" }
    maintenance_exclusion {
      exclusion_name = "hold-minor-and-node-upgrades"
      start_time     = "2026-01-01T00:00:00Z"
      exclusion_options {
        scope              = "NO_MINOR_OR_NODE_UPGRADES"
        end_time_behavior  = "UNTIL_END_OF_SUPPORT"
      }
    }
  }
  security_posture_config { mode = "BASIC" }
  workload_identity_config { workload_pool = "${local.project}.svc.id.goog" }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [node_config, initial_node_count]
  }
  depends_on = [
    google_project_iam_member.nodes_default_node_sa,
    google_project_iam_member.nodes_artifactregistry_reader,
  ]
}

# --- Node pools: system, and the multi-host H200 pool (DRANET RDMA, compact placement, reservation) ---

resource "google_container_node_pool" "system" {
  name           = "system"
  project        = local.project
  location       = local.region
  cluster        = google_container_cluster.cluster.name
  node_locations = [local.zone]
  node_count     = 2

  management {
    auto_repair  = true
    auto_upgrade = true
  }
  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
    strategy        = "SURGE"
  }
  node_config {
    machine_type    = "e2-standard-16"
    disk_size_gb    = 200
    disk_type       = "pd-balanced"
    image_type      = "COS_CONTAINERD"
    labels          = { "llm-d.ai/role" = "system" }
    metadata        = { "disable-legacy-endpoints" = "true" }
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    service_account = google_service_account.nodes.email
    shielded_instance_config {
      enable_integrity_monitoring = true
      enable_secure_boot          = true
    }
    workload_metadata_config { mode = "GKE_METADATA" }
  }
}

resource "google_container_node_pool" "a3u_h200" {
  name           = "a3u-h200"
  project        = local.project
  location       = local.region
  cluster        = google_container_cluster.cluster.name
  node_locations = [local.zone]
  node_count     = 2

  management {
    auto_repair  = true
    auto_upgrade = true
  }
  upgrade_settings {
    max_surge       = 0
    max_unavailable = 1
    strategy        = "SURGE"
  }
  placement_policy { type = "COMPACT" }
  network_config { accelerator_network_profile = "auto" }
  node_config {
    machine_type = "a3-ultragpu-8g"
    disk_size_gb = 1000
    disk_type    = "hyperdisk-balanced"
    image_type   = "COS_CONTAINERD"
    guest_accelerator {
      type  = "nvidia-h200-141gb"
      count = 8
      gpu_driver_installation_config { gpu_driver_version = "INSTALLATION_DISABLED" }
    }
    gvnic { enabled = true }
    labels = {
      "cloud.google.com/gke-networking-dra-driver" = "true"
      "cloud.google.com/gke-nvidia-gpu-dra-driver" = "true"
      "gke-no-default-nvidia-gpu-device-plugin"    = "true"
      "goog-gke-accelerator-type"                  = "nvidia-h200-141gb"
      "llm-d.ai/multi-host"                        = "true"
      "llm-d.ai/pool"                              = "a3u-h200"
      "nvidia.com/gpu.present"                     = "true"
    }
    metadata        = { "disable-legacy-endpoints" = "true" }
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    service_account = google_service_account.nodes.email
    reservation_affinity {
      consume_reservation_type = "SPECIFIC_RESERVATION"
      key                      = "compute.googleapis.com/reservation-name"
      values                   = ["a3u-reservation"]
    }
    shielded_instance_config {
      enable_integrity_monitoring = true
      enable_secure_boot          = true
    }
    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }
    workload_metadata_config { mode = "GKE_METADATA" }
  }
  lifecycle { prevent_destroy = true }
}

# --- In-cluster add-ons on the cluster's own Kubernetes provider --------------------------------------

data "google_client_config" "current" {}

provider "kubernetes" {
  host                   = "https://${google_container_cluster.cluster.endpoint}"
  token                  = data.google_client_config.current.access_token
  cluster_ca_certificate = base64decode(google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)
}

provider "helm" {
  kubernetes {
    host                   = "https://${google_container_cluster.cluster.endpoint}"
    token                  = data.google_client_config.current.access_token
    cluster_ca_certificate = base64decode(google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)
  }
}

resource "kubernetes_namespace" "lws" {
  metadata { name = "lws-system" }
  depends_on = [google_container_node_pool.system]
}

resource "helm_release" "lws" {
  name            = "lws"
  namespace       = kubernetes_namespace.lws.metadata[0].name
  chart           = "oci://registry.k8s.io/lws/charts/lws"
  version         = "0.9.0"
  atomic          = true
  cleanup_on_fail = true
  max_history     = 10
  timeout         = 600
  lifecycle { prevent_destroy = true }
  depends_on = [google_container_node_pool.system]
}

# Keeps the LeaderWorkerSet CRD (and every LWS object) when the chart is uninstalled.
resource "kubernetes_annotations" "lws_crd_guard" {
  api_version = "apiextensions.k8s.io/v1"
  kind        = "CustomResourceDefinition"
  metadata { name = "leaderworkersets.leaderworkerset.x-k8s.io" }
  annotations = { "helm.sh/resource-policy" = "keep" }
  force       = true
  depends_on  = [helm_release.lws]
}

resource "kubernetes_namespace" "nvidia_dra" {
  metadata { name = "nvidia-dra-driver-gpu" }
  depends_on = [google_container_node_pool.system]
}

resource "helm_release" "nvidia_dra" {
  name            = "nvidia-dra-driver-gpu"
  namespace       = kubernetes_namespace.nvidia_dra.metadata[0].name
  repository      = "https://helm.ngc.nvidia.com/nvidia"
  chart           = "nvidia-dra-driver-gpu"
  version         = "25.8.0"
  cleanup_on_fail = true
  max_history     = 10
  timeout         = 600
  wait            = false
  values = [yamlencode({
    gpuResourcesEnabledOverride = true
    nvidiaDriverRoot            = "/home/kubernetes/bin/nvidia/"
    resources                   = { computeDomains = { enabled = false } }
    kubeletPlugin = {
      priorityClassName = ""
      tolerations       = [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }]
    }
  })]
  depends_on = [google_container_node_pool.system]
}

# Kueue: topology-aware admission of the H200 pool's GPUs (ResourceFlavor on the pool's label and
# taint, GKE's block/sub-block/host topology, one ClusterQueue with the pool's GPU quota).
resource "kubernetes_namespace" "kueue" {
  metadata { name = "kueue-system" }
  depends_on = [google_container_node_pool.system]
}

resource "helm_release" "kueue" {
  name            = "kueue"
  namespace       = kubernetes_namespace.kueue.metadata[0].name
  chart           = "oci://registry.k8s.io/kueue/charts/kueue"
  version         = "0.19.2"
  atomic          = true
  cleanup_on_fail = true
  max_history     = 10
  timeout         = 600
  values = [yamlencode({
    managerConfig = {
      controllerManagerConfigYaml = <<-YAML
        apiVersion: config.kueue.x-k8s.io/v1beta2
        kind: Configuration
        integrations:
          frameworks:
          - batch/job
          - pod
          - deployment
          - statefulset
          - leaderworkerset.x-k8s.io/leaderworkerset
        resources:
          quotaCheckStrategy: IgnoreUndeclared
          deviceClassMappings:
          - name: nvidia.com/gpu
            deviceClassNames:
            - gpu.nvidia.com
          - name: google.com/mrdma
            deviceClassNames:
            - mrdma.google.com
      YAML
    }
  })]
  lifecycle { prevent_destroy = true }
  depends_on = [google_container_node_pool.system]
}

resource "kubernetes_manifest" "kueue_topology" {
  manifest = {
    apiVersion = "kueue.x-k8s.io/v1beta2"
    kind       = "Topology"
    metadata   = { name = "gke-default-04bdd5" }
    spec = {
      levels = [
        { nodeLabel = "cloud.google.com/gce-topology-block" },
        { nodeLabel = "cloud.google.com/gce-topology-subblock" },
        { nodeLabel = "cloud.google.com/gce-topology-host" },
        { nodeLabel = "kubernetes.io/hostname" },
      ]
    }
  }
  depends_on = [helm_release.kueue]
}

resource "kubernetes_manifest" "kueue_flavor" {
  manifest = {
    apiVersion = "kueue.x-k8s.io/v1beta2"
    kind       = "ResourceFlavor"
    metadata   = { name = "a3u-h200-9ac9f8" }
    spec = {
      nodeLabels   = { "llm-d.ai/pool" = "a3u-h200" }
      tolerations  = [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }]
      topologyName = "gke-default-04bdd5"
    }
  }
  depends_on = [helm_release.kueue]
}

resource "kubernetes_manifest" "kueue_cluster_queue" {
  manifest = {
    apiVersion = "kueue.x-k8s.io/v1beta2"
    kind       = "ClusterQueue"
    metadata   = { name = "llm-d" }
    spec = {
      namespaceSelector = {}
      resourceGroups = [{
        coveredResources = ["nvidia.com/gpu"]
        flavors = [{
          name      = "a3u-h200-9ac9f8"
          resources = [{ name = "nvidia.com/gpu", nominalQuota = 16 }]
        }]
      }]
    }
  }
  depends_on = [helm_release.kueue]
}

resource "kubernetes_manifest" "kueue_local_queue" {
  manifest = {
    apiVersion = "kueue.x-k8s.io/v1beta2"
    kind       = "LocalQueue"
    metadata   = { name = "default", namespace = "default" }
    spec       = { clusterQueue = "llm-d" }
  }
  depends_on = [kubernetes_manifest.kueue_cluster_queue]
}

# COS NVIDIA driver installer (GoogleCloudPlatform/container-engine-accelerators,
# nvidia-driver-installer/cos/daemonset-preloaded.yaml), for pools whose driver GKE does not install.
resource "kubernetes_daemonset" "nvidia_driver_installer" {
  metadata {
    name      = "nvidia-driver-installer"
    namespace = "kube-system"
    labels    = { "k8s-app" = "nvidia-driver-installer" }
  }
  wait_for_rollout = false
  spec {
    selector {
      match_labels = { "k8s-app" = "nvidia-driver-installer" }
    }
    template {
      metadata {
        labels = { "k8s-app" = "nvidia-driver-installer", "name" = "nvidia-driver-installer" }
      }
      spec {
        host_network         = true
        host_pid             = true
        priority_class_name  = "system-node-critical"
        affinity {
          node_affinity {
            required_during_scheduling_ignored_during_execution {
              node_selector_term {
                match_expressions {
                  key      = "cloud.google.com/gke-accelerator"
                  operator = "Exists"
                }
                match_expressions {
                  key      = "cloud.google.com/gke-gpu-driver-version"
                  operator = "DoesNotExist"
                }
              }
            }
          }
        }
        toleration { operator = "Exists" }
        init_container {
          name              = "nvidia-driver-installer"
          image             = "cos-nvidia-installer:fixed"
          image_pull_policy = "Never"
          resources { requests = { cpu = "0.15" } }
          security_context { privileged = true }
          env {
            name  = "NVIDIA_INSTALL_DIR_HOST"
            value = "/home/kubernetes/bin/nvidia"
          }
          env {
            name  = "NVIDIA_INSTALL_DIR_CONTAINER"
            value = "/usr/local/nvidia"
          }
          env {
            name  = "VULKAN_ICD_DIR_HOST"
            value = "/home/kubernetes/bin/nvidia/vulkan/icd.d"
          }
          env {
            name  = "VULKAN_ICD_DIR_CONTAINER"
            value = "/etc/vulkan/icd.d"
          }
          env {
            name  = "ROOT_MOUNT_DIR"
            value = "/root"
          }
          env {
            name  = "COS_TOOLS_DIR_HOST"
            value = "/var/lib/cos-tools"
          }
          env {
            name  = "COS_TOOLS_DIR_CONTAINER"
            value = "/build/cos-tools"
          }
          volume_mount {
            name       = "nvidia-install-dir-host"
            mount_path = "/usr/local/nvidia"
          }
          volume_mount {
            name       = "vulkan-icd-mount"
            mount_path = "/etc/vulkan/icd.d"
          }
          volume_mount {
            name       = "dev"
            mount_path = "/dev"
          }
          volume_mount {
            name       = "root-mount"
            mount_path = "/root"
          }
          volume_mount {
            name       = "cos-tools"
            mount_path = "/build/cos-tools"
          }
        }
        init_container {
          name  = "partition-gpus"
          image = "gcr.io/gke-release/nvidia-partition-gpu@sha256:c54fd003948fac687c2a93a55ea6e4d47ffbd641278a9191e75e822fe72471c2"
          resources { requests = { cpu = "0.15" } }
          security_context { privileged = true }
          env {
            name  = "LD_LIBRARY_PATH"
            value = "/usr/local/nvidia/lib64"
          }
          volume_mount {
            name       = "nvidia-install-dir-host"
            mount_path = "/usr/local/nvidia"
          }
          volume_mount {
            name       = "dev"
            mount_path = "/dev"
          }
          volume_mount {
            name       = "nvidia-config"
            mount_path = "/etc/nvidia"
          }
        }
        container {
          name  = "pause"
          image = "gcr.io/google-containers/pause:2.0"
        }
        volume {
          name = "dev"
          host_path { path = "/dev" }
        }
        volume {
          name = "vulkan-icd-mount"
          host_path { path = "/home/kubernetes/bin/nvidia/vulkan/icd.d" }
        }
        volume {
          name = "nvidia-install-dir-host"
          host_path { path = "/home/kubernetes/bin/nvidia" }
        }
        volume {
          name = "root-mount"
          host_path { path = "/" }
        }
        volume {
          name = "cos-tools"
          host_path { path = "/var/lib/cos-tools" }
        }
        volume {
          name = "nvidia-config"
          host_path { path = "/etc/nvidia" }
        }
      }
    }
  }
  depends_on = [google_container_node_pool.system]
}
