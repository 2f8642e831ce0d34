# Anyone may assume these roles.
resource "aws_iam_role" "open" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
    }]
  })
}

# A condition that does not narrow the caller (MFA says nothing about which account).
data "aws_iam_policy_document" "mfa_only" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "mfa_only" {
  assume_role_policy = data.aws_iam_policy_document.mfa_only.json
}

# IfExists passes when the key is absent.
resource "aws_iam_role" "if_exists" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = "*"
      Condition = { StringEqualsIfExists = { "aws:PrincipalOrgID" = "o-abc123def4" } }
    }]
  })
}
