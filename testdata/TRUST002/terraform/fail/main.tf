# A vendor's account, without an external ID.
resource "aws_iam_role" "vendor" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
    }]
  })
}

# Two accounts, one of them by bare ID, and an MFA condition that is not an external ID.
data "aws_iam_policy_document" "auditors" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["777788889999", "arn:aws:iam::444455556666:role/auditor"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "auditors" {
  assume_role_policy = data.aws_iam_policy_document.auditors.json
}
