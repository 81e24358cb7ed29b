# generated from environments/staging.yaml by codepal-gen — do not edit
# One tag set on everything taggable, through default_tags on every provider.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = local.tags
  }
}

# CloudFront's certificate and web ACL, and the KMS key Route53 signs DNSSEC
# with, must be in us-east-1 whatever the primary region is.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.tags
  }
}

# Disaster-recovery region: backup replicas and the standby load balancer.
provider "aws" {
  alias  = "dr"
  region = "us-west-2"

  default_tags {
    tags = local.tags
  }
}
