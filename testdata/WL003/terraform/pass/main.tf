# AdministratorAccess, but a permissions boundary only lets S3 and logs through.
resource "aws_iam_policy" "boundary" {
  name = "app-boundary"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:*", "logs:*"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "bounded" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  permissions_boundary = aws_iam_policy.boundary.arn
  managed_policy_arns  = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_lambda_function" "bounded" {
  function_name = "bounded"
  role          = aws_iam_role.bounded.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# PowerUserAccess with an explicit Deny of everything it would matter for.
resource "aws_iam_role" "denied" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  inline_policy {
    name = "deny-compute"
    policy = jsonencode({
      Statement = [{ Effect = "Deny", Action = ["ec2:*", "lambda:*"], Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "denied" {
  function_name = "denied"
  role          = aws_iam_role.denied.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# A boundary that is not known here: no verdict.
variable "boundary_arn" {
  type = string
}

resource "aws_iam_role" "unknown_boundary" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  permissions_boundary = var.boundary_arn
  managed_policy_arns  = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_lambda_function" "unknown_boundary" {
  function_name = "unknown-boundary"
  role          = aws_iam_role.unknown_boundary.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# Read-only access is not administrator access.
resource "aws_iam_role" "reader" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

resource "aws_lambda_function" "reader" {
  function_name = "reader"
  role          = aws_iam_role.reader.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
