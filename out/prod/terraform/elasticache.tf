# generated from environments/prod.yaml by codepal-gen — do not edit
# ElastiCache Redis in cluster mode: 2 shard(s) with 2 replica(s) each across AZs,
# automatic failover, encryption at rest (KMS) and in transit. The AUTH token is
# read from Secrets Manager at apply time; its value never appears here (it
# does reach the state, which is why the state bucket is encrypted and private).
resource "aws_elasticache_subnet_group" "main" {
  name       = local.name
  subnet_ids = [for subnet in aws_subnet.private : subnet.id]
}

data "aws_secretsmanager_secret_version" "redis_auth_token" {
  secret_id = var.redis_auth_token_secret_name
}

resource "aws_cloudwatch_log_group" "redis" {
  name              = "/aws/elasticache/${local.name}/slow-log"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_elasticache_replication_group" "main" {
  replication_group_id = local.name
  description          = "${local.name} Redis cache"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = "cache.r6g.large"
  port                 = 6379
  parameter_group_name = "default.redis7.cluster.on"
  subnet_group_name    = aws_elasticache_subnet_group.main.name
  security_group_ids   = [aws_security_group.redis.id]

  cluster_mode               = "enabled"
  num_node_groups            = 2
  replicas_per_node_group    = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.data.arn
  transit_encryption_enabled = true
  auth_token                 = data.aws_secretsmanager_secret_version.redis_auth_token.secret_string

  snapshot_retention_limit   = 7
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.redis.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}
