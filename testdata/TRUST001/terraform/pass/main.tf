# "*" narrowed to the organization, or to one account.
resource "aws_iam_role" "org" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123def4" } }
    }]
  })
}

resource "aws_iam_role" "account" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
      Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

data "aws_caller_identity" "current" {}

# A Deny for anyone is not a grant.
resource "aws_iam_role" "service" {
  assume_role_policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } },
      { Effect = "Deny", Action = "sts:AssumeRole", Principal = { AWS = "*" } },
    ]
  })
}

# A condition that is not known here: no verdict.
variable "trust_condition" {
  type = any
}

resource "aws_iam_role" "unknown" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
      Condition = var.trust_condition
    }]
  })
}
