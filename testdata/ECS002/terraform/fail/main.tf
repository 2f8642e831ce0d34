# The execution role also reads the application's bucket and queue.
resource "aws_iam_role" "exec" {
  name = "api-exec"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.exec.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "exec_app" {
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::api-data/*" },
      { Effect = "Allow", Action = "sqs:*", Resource = "arn:aws:sqs:us-east-1:111122223333:api" },
    ]
  })
}

resource "aws_iam_role" "task" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_task_definition" "api" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.exec.arn
}
