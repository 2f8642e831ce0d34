# A function that runs as an administrator, attached through an attachment resource.
resource "aws_iam_role" "api" {
  name = "api"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "api_admin" {
  role       = aws_iam_role.api.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

data "aws_partition" "current" {}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# Two instances share a profile whose role has IAMFullAccess: one finding, both instances.
resource "aws_iam_role" "web" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/IAMFullAccess"]
}

resource "aws_iam_instance_profile" "web" {
  role = aws_iam_role.web.name
}

resource "aws_instance" "web" {
  count                = 2
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name
  metadata_options {
    http_tokens = "required"
  }
}
