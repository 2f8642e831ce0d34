# With an external ID.
resource "aws_iam_role" "vendor" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { StringEquals = { "sts:ExternalId" = "c0ffee-1234" } }
    }]
  })
}

# The configuration's own account, through aws_caller_identity.
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "same_account" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}

# A role of this configuration.
resource "aws_iam_role" "ci" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_role.ci.arn } }]
  })
}

# Another account of the same organization.
resource "aws_iam_role" "org" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::777788889999:root" }
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123def4" } }
    }]
  })
}

# An account that is not known here.
variable "trusted_account" {
  type = string
}

resource "aws_iam_role" "unknown" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.trusted_account}:root" } }]
  })
}
