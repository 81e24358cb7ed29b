# generated from environments/prod.yaml by codepal-gen — do not edit
# Values computed by codepal-gen (src/codepal_gen/model/terraform.py) from
# this environment's config; change them there, not here.
locals {
  name = "codepal-prod"
  tags = {
    "Project"     = "codepal"
    "Environment" = "prod"
    "Owner"       = "devops-team"
    "CostCenter"  = "engineering"
    "ManagedBy"   = "codepal-gen"
  }
  public_subnets = {
    "us-east-1a" = {
      "cidr"  = "10.0.0.0/21"
      "index" = 0
    }
    "us-east-1b" = {
      "cidr"  = "10.0.8.0/21"
      "index" = 1
    }
    "us-east-1c" = {
      "cidr"  = "10.0.16.0/21"
      "index" = 2
    }
  }
  private_subnets = {
    "us-east-1a" = {
      "cidr"     = "10.0.32.0/19"
      "index"    = 0
      "nat_zone" = "us-east-1a"
    }
    "us-east-1b" = {
      "cidr"     = "10.0.64.0/19"
      "index"    = 1
      "nat_zone" = "us-east-1b"
    }
    "us-east-1c" = {
      "cidr"     = "10.0.96.0/19"
      "index"    = 2
      "nat_zone" = "us-east-1c"
    }
  }
  nat_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  node_groups = {
    "ai" = {
      "instance_types" = ["c6i.2xlarge"]
      "capacity_type"  = "ON_DEMAND"
      "min_size"       = 2
      "desired_size"   = 2
      "max_size"       = 6
      "disk_size"      = 100
      "labels" = {
        "workload" = "ai"
      }
      "taints" = []
    }
    "general" = {
      "instance_types" = ["m6i.xlarge"]
      "capacity_type"  = "ON_DEMAND"
      "min_size"       = 3
      "desired_size"   = 3
      "max_size"       = 10
      "disk_size"      = 100
      "labels" = {
        "workload" = "general"
      }
      "taints" = []
    }
    "spot" = {
      "instance_types" = ["m6i.large", "m5.large", "m5a.large"]
      "capacity_type"  = "SPOT"
      "min_size"       = 0
      "desired_size"   = 2
      "max_size"       = 10
      "disk_size"      = 50
      "labels" = {
        "workload" = "spot"
      }
      "taints" = [
        {
          "key"    = "workload"
          "value"  = "spot"
          "effect" = "NO_SCHEDULE"
        },
      ]
    }
  }
  irsa = {
    "cert-manager" = {
      "namespace"       = "cert-manager"
      "service_account" = "cert-manager"
    }
    "cluster-autoscaler" = {
      "namespace"       = "kube-system"
      "service_account" = "cluster-autoscaler"
    }
    "external-secrets" = {
      "namespace"       = "codepal-prod"
      "service_account" = "external-secrets-reader"
    }
    "postgres-backup" = {
      "namespace"       = "codepal-prod"
      "service_account" = "postgres-backup"
    }
  }
  secrets_prefix = "codepal/prod/"
  oidc_issuer    = replace(aws_eks_cluster.main.identity[0].oidc[0].issuer, "https://", "")
  partition      = data.aws_partition.current.partition
  account_id     = data.aws_caller_identity.current.account_id
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}
