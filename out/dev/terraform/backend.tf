# generated from environments/dev.yaml by codepal-gen — do not edit
# State lives in this environment's own bucket (managed in state.tf). Locking uses
# S3 conditional writes (use_lockfile, Terraform >= 1.10) instead of the seed's
# DynamoDB table: the S3 backend deprecates dynamodb_table in its favour, and it
# needs no extra table to create, pay for and secure.
# https://developer.hashicorp.com/terraform/language/backend/s3#state-locking
terraform {
  backend "s3" {
    bucket       = "codepal-terraform-state-dev"
    key          = "dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
