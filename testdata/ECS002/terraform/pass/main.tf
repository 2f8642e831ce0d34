# The agent's managed policy, and the secrets it injects.
resource "aws_iam_role" "exec" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
  inline_policy {
    name = "secrets"
    policy = jsonencode({
      Statement = [
        { Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "ssm:GetParameters"], Resource = "*" },
        { Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        { Effect = "Allow", Action = "logs:CreateLogGroup", Resource = "*" },
      ]
    })
  }
}

resource "aws_iam_role" "task" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  inline_policy {
    name = "app"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::api-data/*" }]
    })
  }
}

resource "aws_ecs_task_definition" "api" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.exec.arn
}

# One role for both: ECS001's finding.
resource "aws_ecs_task_definition" "legacy" {
  family                = "legacy"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.task.arn
}
