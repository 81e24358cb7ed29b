# generated from environments/prod.yaml by codepal-gen — do not edit
# Customer-managed KMS keys, rotated yearly. Key policies delegate to IAM (the
# account root) and name the AWS services that encrypt with them directly.
data "aws_iam_policy_document" "kms_data" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

# EKS secrets, RDS storage, Performance Insights and master password, Redis,
# the backups bucket and the state bucket.
resource "aws_kms_key" "data" {
  description             = "${local.name} data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_data.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

# Backup replicas in the DR region.
resource "aws_kms_key" "dr" {
  provider = aws.dr

  description             = "${local.name} backup replicas"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_data.json
}

data "aws_iam_policy_document" "kms_logs" {
  source_policy_documents = [data.aws_iam_policy_document.kms_data.json]

  statement {
    sid = "CloudWatchLogsEncrypt"
    actions = [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.id}.amazonaws.com", "logs.us-east-1.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:*:${local.account_id}:log-group:*"]
    }
  }
}

data "aws_region" "current" {}

# CloudWatch log groups in the primary region (flow logs, EKS, Redis, WAF).
resource "aws_kms_key" "logs" {
  description             = "${local.name} CloudWatch logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_logs.json
}

# CloudWatch log groups in us-east-1 (the CloudFront web ACL's logs).
resource "aws_kms_key" "edge_logs" {
  provider = aws.us_east_1

  description             = "${local.name} CloudFront WAF logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_logs.json
}
