# ECS001 failing cases: one role is both task role and execution role.

data "aws_iam_policy_document" "ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks.json
}

resource "aws_ecs_task_definition" "same_resource" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.app.arn
  execution_role_arn    = aws_iam_role.app.arn
}

resource "aws_ecs_task_definition" "same_arn_string" {
  family                = "worker"
  container_definitions = "[]"
  task_role_arn         = "arn:aws:iam::111122223333:role/shared"
  execution_role_arn    = "arn:aws:iam::111122223333:role/shared"
}
