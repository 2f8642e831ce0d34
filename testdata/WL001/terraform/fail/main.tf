# WL001 failing cases: the workload's service cannot assume the role.

# An instance profile role that trusts Lambda, not EC2 (jsonencode).
resource "aws_iam_role" "instance" {
  name = "instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "instance" {
  name = "instance"
  role = aws_iam_role.instance.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.instance.name

  metadata_options {
    http_tokens = "required"
  }
}

# A Lambda role that trusts EC2 (aws_iam_policy_document).
data "aws_iam_policy_document" "ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "function"
  assume_role_policy = data.aws_iam_policy_document.ec2.json
}

resource "aws_lambda_function" "handler" {
  function_name = "handler"
  role          = aws_iam_role.function.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# An ECS task role given by ARN string whose trust is a heredoc for EC2.
resource "aws_iam_role" "task" {
  name               = "task"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "ec2.amazonaws.com" },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
}

resource "aws_ecs_task_definition" "api" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = "arn:aws:iam::111122223333:role/task"
}
