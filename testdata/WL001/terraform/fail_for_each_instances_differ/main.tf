# Two services from one block whose roles trust two different wrong services: each is
# reported under its own address, with its own trust.
locals {
  services = {
    api    = "ec2.amazonaws.com"
    worker = "lambda.amazonaws.com"
  }
}

resource "aws_iam_role" "task" {
  for_each = local.services
  name     = "task-${each.key}"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = each.value } }]
  })
}

resource "aws_ecs_task_definition" "svc" {
  for_each              = local.services
  family                = each.key
  task_role_arn         = aws_iam_role.task[each.key].arn
  container_definitions = jsonencode([{ name = each.key, image = "public.ecr.aws/nginx/nginx:1.27" }])
}

# Both instances run as one role that trusts Lambda: one finding naming both.
resource "aws_iam_role" "shared" {
  name = "shared"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "batch" {
  for_each              = toset(["nightly", "hourly"])
  family                = each.key
  task_role_arn         = aws_iam_role.shared.arn
  container_definitions = jsonencode([{ name = each.key, image = "public.ecr.aws/nginx/nginx:1.27" }])
}
