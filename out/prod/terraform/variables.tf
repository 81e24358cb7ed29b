# generated from environments/prod.yaml by codepal-gen — do not edit
# Inputs an operator may override at apply time (-var or *.tfvars); the defaults
# are this environment's values from its config.
variable "budget_monthly_limit_usd" {
  type        = number
  description = "Monthly cost budget of this environment in USD."
  default     = 20000

  validation {
    condition     = var.budget_monthly_limit_usd > 0
    error_message = "The budget must be a positive amount."
  }
}

variable "budget_notification_emails" {
  type        = list(string)
  description = "Addresses that receive budget alerts."
  default     = ["devops@codepal.com"]

  validation {
    condition = length(var.budget_notification_emails) > 0 && alltrue([
      for address in var.budget_notification_emails : can(regex("^[^@[:space:]]+@[^@[:space:]]+\\.[A-Za-z]{2,}$", address))
    ])
    error_message = "Give at least one e-mail address, each of the form name@example.com."
  }
}

variable "db_instance_class" {
  type        = string
  description = "RDS PostgreSQL instance class."
  default     = "db.r6g.large"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "An RDS instance class looks like db.r6g.large."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the database and the load balancer from deletion (turn off only to tear an environment down)."
  default     = true
}

variable "kubernetes_version" {
  type        = string
  description = "EKS Kubernetes version (major.minor)."
  default     = "1.31"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "The Kubernetes version is major.minor, e.g. 1.31."
  }
}

variable "redis_auth_token_secret_name" {
  type        = string
  description = "Name of the Secrets Manager secret holding the Redis AUTH token (the name, never the token)."
  default     = "codepal/prod/redis-auth-token"

  validation {
    condition     = length(var.redis_auth_token_secret_name) > 0
    error_message = "The secret name must not be empty."
  }
}
