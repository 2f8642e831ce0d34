# An ECS task role whose inline policy passes any role, and whose attached customer policy
# runs tasks: together, the task can start a task with any role.
resource "aws_iam_role" "scheduler" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler_pass" {
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Statement = [{
      Sid      = "PassAnyRole"
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = "arn:aws:iam::*:role/*"
    }]
  })
}

resource "aws_iam_policy" "run_tasks" {
  name = "run-tasks"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["ecs:RunTask", "ecs:DescribeTasks"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "scheduler_run" {
  role       = aws_iam_role.scheduler.name
  policy_arn = aws_iam_policy.run_tasks.arn
}

resource "aws_ecs_task_definition" "scheduler" {
  family                = "scheduler"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.scheduler.arn
}

# A function with an AWS managed policy that launches instances, and an inline policy that
# passes any role.
resource "aws_iam_role" "builder" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]
  inline_policy {
    name = "pass"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "builder" {
  function_name = "builder"
  role          = aws_iam_role.builder.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
