# iam:PassRole on one named role, and with a condition on the service: no path.
resource "aws_iam_role" "worker" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role" "scheduler" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  inline_policy {
    name = "pass-worker"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.worker.arn }]
    })
  }
  inline_policy {
    name = "pass-conditional"
    policy = jsonencode({
      Statement = [{
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "*"
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      }]
    })
  }
  inline_policy {
    name = "run"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "ecs:RunTask", Resource = "*" }]
    })
  }
}

resource "aws_ecs_task_definition" "scheduler" {
  family                = "scheduler"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.scheduler.arn
}

# The second half of the path comes from a policy not known here: no verdict.
variable "extra_policy_arn" {
  type = string
}

resource "aws_iam_role" "partial" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = [var.extra_policy_arn]
  inline_policy {
    name = "pass"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
    })
  }
  inline_policy {
    name = "launch"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "partial" {
  function_name = "partial"
  role          = aws_iam_role.partial.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
