# PRIV004 failing cases: Allow with NotAction or NotResource.

# not_actions in aws_iam_policy_document.
data "aws_iam_policy_document" "no_iam" {
  statement {
    not_actions = ["iam:*", "organizations:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_policy" "no_iam" {
  name   = "no-iam"
  policy = data.aws_iam_policy_document.no_iam.json
}

# NotResource (jsonencode).
resource "aws_iam_policy" "all_but_audit" {
  name = "all-but-audit"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid         = "AllButAudit"
      Effect      = "Allow"
      Action      = "s3:GetObject"
      NotResource = "arn:aws:s3:::audit/*"
    }]
  })
}

# Both (heredoc): one finding.
resource "aws_iam_role_policy" "ops" {
  name   = "ops"
  role   = "ops"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "NotAction": "iam:*",
      "NotResource": "arn:aws:s3:::audit/*"
    }
  ]
}
EOF
}

# NotResource "*" excludes every resource: the statement grants nothing (low).
resource "aws_iam_policy" "nothing" {
  name = "nothing"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", NotResource = "*" }]
  })
}
