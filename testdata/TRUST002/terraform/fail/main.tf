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

# Two accounts, one of them by bare ID, and a source IP condition that is not an external
# ID (MFA would be accepted: see pass-mfa).
data "aws_iam_policy_document" "auditors" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["777788889999", "arn:aws:iam::444455556666:role/auditor"]
    }
    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["203.0.113.0/24"]
    }
  }
}

resource "aws_iam_role" "auditors" {
  assume_role_policy = data.aws_iam_policy_document.auditors.json
}
