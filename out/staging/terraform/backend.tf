# generated from environments/staging.yaml by codepal-gen — do not edit
terraform {
  backend "s3" {
    bucket       = "codepal-terraform-state"
    key          = "staging/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
