# generated from environments/staging.yaml by codepal-gen — do not edit
terraform {
  required_version = ">= 1.10"

  required_providers {
    # validate runs against 5.100.0 (the local mirror) and the argument-schema check
    # against 6.25.0: only resources and arguments valid in both are rendered.
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
