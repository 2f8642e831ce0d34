variable "name" {
  type = string
}

resource "aws_iam_role" "this" {
  name = "svc-${var.name}"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

module "policy" {
  source    = "../policy"
  role_name = aws_iam_role.this.name
}
