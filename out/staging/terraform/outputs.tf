# generated from environments/staging.yaml by codepal-gen — do not edit
output "alb_dns_name" {
  description = "DNS name of the public application load balancer."
  value       = aws_lb.main.dns_name
}

output "backups_bucket" {
  description = "Bucket the PostgreSQL backup job writes to."
  value       = aws_s3_bucket.backups.bucket
}

output "backups_replica_bucket" {
  description = "Cross-region replica of the backups bucket."
  value       = aws_s3_bucket.backups_replica.bucket
}

output "cloudfront_domain_name" {
  description = "Domain name of the CloudFront distribution serving the app host."
  value       = aws_cloudfront_distribution.app.domain_name
}

output "db_endpoint" {
  description = "PostgreSQL endpoint (host:port)."
  value       = aws_db_instance.main.endpoint
}

output "db_master_user_secret_arn" {
  description = "Secrets Manager secret holding the AWS-managed PostgreSQL master credentials."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
  sensitive   = true
}

output "dnssec_ds_record" {
  description = "DS record to publish in the parent zone once DNSSEC signing is active."
  value       = aws_route53_key_signing_key.main.ds_record
}

output "eks_cluster_endpoint" {
  description = "Private API endpoint of the EKS cluster."
  value       = aws_eks_cluster.main.endpoint
}

output "eks_cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.main.name
}

output "eks_oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (for further IRSA roles)."
  value       = aws_iam_openid_connect_provider.eks.arn
}

output "irsa_role_arns" {
  description = "IRSA role ARN per service account, for the eks.amazonaws.com/role-arn annotation."
  value       = { for name, role in aws_iam_role.irsa : name => role.arn }
}

output "private_subnet_ids" {
  description = "Private subnet IDs by availability zone."
  value       = { for zone, subnet in aws_subnet.private : zone => subnet.id }
}

output "public_subnet_ids" {
  description = "Public subnet IDs by availability zone."
  value       = { for zone, subnet in aws_subnet.public : zone => subnet.id }
}

output "redis_configuration_endpoint" {
  description = "Cluster-mode configuration endpoint of the Redis replication group."
  value       = aws_elasticache_replication_group.main.configuration_endpoint_address
}

output "route53_name_servers" {
  description = "Name servers to delegate the zone to."
  value       = aws_route53_zone.main.name_servers
}

output "route53_zone_id" {
  description = "Hosted zone ID of the environment's domain."
  value       = aws_route53_zone.main.zone_id
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.main.id
}
