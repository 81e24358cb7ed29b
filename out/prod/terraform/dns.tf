# generated from environments/prod.yaml by codepal-gen — do not edit
# The environment's public zone, DNSSEC-signed, with health-checked failover
# between the primary and the disaster-recovery region.
resource "aws_route53_zone" "main" {
  name    = "codepal.com"
  comment = "${local.name} public zone"
}

# Query logging: Route53 writes public-zone query logs only to us-east-1.
resource "aws_cloudwatch_log_group" "dns_queries" {
  provider = aws.us_east_1

  name              = "/aws/route53/${local.name}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.edge_logs.arn
}

data "aws_iam_policy_document" "dns_queries" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.dns_queries.arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["route53.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "dns_queries" {
  provider = aws.us_east_1

  policy_name     = "${local.name}-route53-query-logs"
  policy_document = data.aws_iam_policy_document.dns_queries.json
}

resource "aws_route53_query_log" "main" {
  zone_id                  = aws_route53_zone.main.zone_id
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.dns_queries.arn

  depends_on = [aws_cloudwatch_log_resource_policy.dns_queries]
}

# DNSSEC. Route53 always signs with ECDSAP256SHA256 (algorithm 13): its
# key-signing key is this asymmetric ECC_NIST_P256 KMS key, which Route53
# requires in us-east-1, and it manages the zone-signing key itself. dns.dnssec
# (algorithm, key sizes) therefore shapes only the BIND zone;
# dns.dnssec.enabled switches signing here and there alike.
data "aws_iam_policy_document" "dnssec" {
  source_policy_documents = [data.aws_iam_policy_document.kms_data.json]

  statement {
    sid       = "Route53DnssecSigning"
    actions   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["dnssec-route53.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "Route53DnssecGrants"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["dnssec-route53.amazonaws.com"]
    }

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "dnssec" {
  provider = aws.us_east_1

  description              = "${local.name} Route53 DNSSEC key-signing key"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = 7
  policy                   = data.aws_iam_policy_document.dnssec.json
}

resource "aws_route53_key_signing_key" "main" {
  hosted_zone_id             = aws_route53_zone.main.id
  key_management_service_arn = aws_kms_key.dnssec.arn
  name                       = "codepal_prod_ksk"
  status                     = "ACTIVE"
}

resource "aws_route53_hosted_zone_dnssec" "main" {
  hosted_zone_id = aws_route53_key_signing_key.main.hosted_zone_id
  signing_status = "SIGNING"
}

# The app host is served by CloudFront.
resource "aws_route53_record" "app" {
  for_each = toset(["A", "AAAA"])

  zone_id = aws_route53_zone.main.zone_id
  name    = "app.codepal.com"
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.app.domain_name
    zone_id                = aws_cloudfront_distribution.app.hosted_zone_id
    evaluate_target_health = false
  }
}

# The standby stack in the DR region runs the same load balancer name there.
data "aws_lb" "dr" {
  provider = aws.dr

  name = "${local.name}-alb"
}

resource "aws_route53_health_check" "regions" {
  for_each = {
    primary   = aws_lb.main.dns_name
    secondary = data.aws_lb.dr.dns_name
  }

  fqdn              = each.value
  type              = "HTTPS"
  port              = 443
  resource_path     = "/api/health"
  enable_sni        = true
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = true

  tags = {
    Name = "${local.name}-${each.key}"
  }
}

# Failover records: the API host and the CloudFront origin answer with the
# primary region's ALB while its health check passes, else the DR region's.
resource "aws_route53_record" "primary" {
  for_each = toset(["api.codepal.com", "origin.codepal.com"])

  zone_id         = aws_route53_zone.main.zone_id
  name            = each.key
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.regions["primary"].id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = aws_lb.main.dns_name
    zone_id                = aws_lb.main.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "secondary" {
  for_each = toset(["api.codepal.com", "origin.codepal.com"])

  zone_id         = aws_route53_zone.main.zone_id
  name            = each.key
  type            = "A"
  set_identifier  = "secondary"
  health_check_id = aws_route53_health_check.regions["secondary"].id

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = data.aws_lb.dr.dns_name
    zone_id                = data.aws_lb.dr.zone_id
    evaluate_target_health = true
  }
}

# Delegations (dns.delegations): each child zone is the hosted zone of another
# environment's root module, so apply the child environment first; this looks
# its zone up by name and publishes the name servers Route53 assigned to it.
# Those are outside this zone, so Route53 needs no glue (the BIND zone does).
data "aws_route53_zone" "delegated" {
  for_each = toset(["dev.codepal.com", "staging.codepal.com"])

  name         = each.key
  private_zone = false
}

resource "aws_route53_record" "delegation" {
  for_each = data.aws_route53_zone.delegated

  zone_id = aws_route53_zone.main.zone_id
  name    = each.key
  type    = "NS"
  ttl     = 300
  records = each.value.name_servers
}
