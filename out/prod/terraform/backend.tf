# generated from environments/prod.yaml by codepal-gen — do not edit
terraform {
  backend "s3" {
    bucket       = "codepal-terraform-state"
    key          = "prod/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
