# Copies of one function, and a launch template with the group that launches from it.
resource "aws_iam_role" "ingest" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "ingest" {
  for_each      = toset(["eu", "us"])
  function_name = "ingest-${each.key}"
  role          = aws_iam_role.ingest.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_iam_role" "web" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "web" {
  role = aws_iam_role.web.name
}

resource "aws_launch_template" "web" {
  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_instance" "web" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name
  launch_template {
    id = aws_launch_template.web.id
  }
}

# One execution role for several task definitions is the agent's, and usual.
resource "aws_iam_role" "exec" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "a" {
  family                = "a"
  container_definitions = "[]"
  execution_role_arn    = aws_iam_role.exec.arn
}

resource "aws_ecs_task_definition" "b" {
  family                = "b"
  container_definitions = "[]"
  execution_role_arn    = aws_iam_role.exec.arn
}
