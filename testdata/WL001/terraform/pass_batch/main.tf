# AWS Batch, as in fail_batch: the compute environment's instance_role is an instance profile whose role
# the container instances (EC2) assume; the job role and execution role are assumed by
# ECS tasks. Here each of them trusts the right service.

resource "aws_iam_role" "instance" {
  name = "batch-instance"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "instance" {
  name = "batch-instance"
  role = aws_iam_role.instance.name
}

resource "aws_iam_role" "service" {
  name = "batch-service"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "batch.amazonaws.com" } }]
  })
}

resource "aws_batch_compute_environment" "ec2" {
  compute_environment_name = "ec2"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    instance_role      = aws_iam_instance_profile.instance.arn
    instance_type      = ["c5.large"]
    max_vcpus          = 16
    min_vcpus          = 0
    subnets            = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_iam_role" "job" {
  name = "batch-job"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "exec" {
  name = "batch-exec"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_batch_job_definition" "report" {
  name = "report"
  type = "container"
  container_properties = jsonencode({
    image            = "public.ecr.aws/amazonlinux/amazonlinux:2023"
    command          = ["echo", "hello"]
    jobRoleArn       = aws_iam_role.job.arn
    executionRoleArn = aws_iam_role.exec.arn
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "2048" },
    ]
  })
}
