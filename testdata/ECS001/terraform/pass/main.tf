# ECS001 passing cases.

variable "execution_role_arn" {
  type = string
}

data "aws_iam_policy_document" "ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json
}

resource "aws_iam_role" "execution" {
  name               = "execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json
}

resource "aws_ecs_task_definition" "separate_roles" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.execution.arn
}

# Execution role only: no task role to share it with.
resource "aws_ecs_task_definition" "execution_only" {
  family                = "batch"
  container_definitions = "[]"
  execution_role_arn    = aws_iam_role.execution.arn
}

# Not known statically.
resource "aws_ecs_task_definition" "unknown" {
  family                = "worker"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = var.execution_role_arn
}
