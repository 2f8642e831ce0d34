# WL001 passing cases.

variable "trust_policy" {
  type = string
}

data "aws_partition" "current" {}

# The service principal with the partition's DNS suffix.
resource "aws_iam_role" "instance" {
  name = "instance"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Principal = { Service = ["ec2.${data.aws_partition.current.dns_suffix}"] }
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

data "aws_iam_policy_document" "lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "function"
  assume_role_policy = data.aws_iam_policy_document.lambda.json
}

resource "aws_lambda_function" "handler" {
  function_name = "handler"
  role          = aws_iam_role.function.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# The trust policy is not known statically: no finding.
resource "aws_iam_role" "unknown" {
  name               = "unknown"
  assume_role_policy = var.trust_policy
}

resource "aws_lambda_function" "unknown" {
  function_name = "unknown"
  role          = aws_iam_role.unknown.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
