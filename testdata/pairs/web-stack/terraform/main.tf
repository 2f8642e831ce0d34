# The same stack as ../cloudformation/template.yaml: each resource name here is the
# snake_case form of its logical ID there (tests/pairs.rs checks both give the same findings).

resource "aws_iam_role" "web_role" {
  name = "web"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web_profile" {
  role = aws_iam_role.web_role.name
}

resource "aws_launch_template" "web_template" {
  iam_instance_profile {
    arn = aws_iam_instance_profile.web_profile.arn
  }
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_instance" "bastion" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web_profile.name
}

resource "aws_iam_role" "api_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_task_definition" "api_task" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.api_role.arn
  execution_role_arn    = aws_iam_role.api_role.arn
}

resource "aws_iam_role" "worker_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# A customer-managed policy no one should ship: one statement per PRIV rule.
resource "aws_iam_policy" "legacy_ops" {
  name = "legacy-ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::web-assets" },
      { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" },
      { Effect = "Allow", NotAction = "iam:*", Resource = "arn:aws:s3:::web-assets/*" },
      { Effect = "Allow", Action = "s3:GetObjekt", Resource = "arn:aws:s3:::web-assets/*" },
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" },
    ]
  })
}
