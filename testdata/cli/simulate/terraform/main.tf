# rolegraph simulate: a Lambda function's role with a Deny, a condition and a boundary; a
# function whose role trusts the wrong service; roles assumed from GitHub Actions, IAM
# Roles Anywhere and another account.
variable "extra_policy_arn" {
  type = string
}

resource "aws_iam_role" "api" {
  name = "api"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "api" {
  name = "api"
  role = aws_iam_role.api.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::app-data/*" },
      { Effect = "Deny", Action = "s3:PutObject", Resource = "arn:aws:s3:::app-data/locked/*" },
      {
        Effect    = "Allow"
        Action    = ["dynamodb:GetItem", "dynamodb:PutItem"]
        Resource  = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
        Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
      },
      { Effect = "Allow", Action = "sqs:SendMessage", Resource = aws_sqs_queue.jobs.arn },
    ]
  })
}

resource "aws_iam_policy" "kms" {
  name   = "kms"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "kms" {
  role       = aws_iam_role.api.name
  policy_arn = aws_iam_policy.kms.arn
}

resource "aws_iam_policy" "boundary" {
  name = "api-boundary"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:*", "dynamodb:*", "sqs:*"], Resource = "*" }]
  })
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}

resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  inline_policy {
    name   = "logs"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
  }
}

resource "aws_iam_role_policy_attachment" "extra" {
  role       = aws_iam_role.worker.name
  policy_arn = var.extra_policy_arn
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "worker.zip"
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/app:ref:refs/heads/main" }
      }
    }]
  })
}

resource "aws_iam_role" "rolesanywhere" {
  name = "build-host"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Principal = { Service = "rolesanywhere.amazonaws.com" }
      Condition = { StringEquals = { "aws:PrincipalTag/x509Subject/CN" = "build-host" } }
    }]
  })
}

resource "aws_iam_role" "audit" {
  name = "audit"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
}
