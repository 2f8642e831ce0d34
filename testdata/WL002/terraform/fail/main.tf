# Two functions and an instance share one role.
resource "aws_iam_role" "shared" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["lambda.amazonaws.com", "ec2.amazonaws.com"] }
    }]
  })
}

resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  role          = aws_iam_role.shared.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = aws_iam_role.shared.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_iam_instance_profile" "shared" {
  role = aws_iam_role.shared.name
}

resource "aws_instance" "worker" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.shared.name
  metadata_options {
    http_tokens = "required"
  }
}
