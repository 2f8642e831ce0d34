# PRIV003 failing cases: conditions that do not limit the resources.

data "aws_iam_policy_document" "ops" {
  # MFA says who calls, not on what.
  statement {
    sid       = "WithMfa"
    actions   = ["ec2:TerminateInstances"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }

  # A tag condition that passes when the tag is absent, or matches any value.
  statement {
    sid       = "AnyTag"
    actions   = ["ec2:StopInstances"]
    resources = ["*"]

    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:ResourceTag/team"
      values   = ["payments"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:RequestTag/team"
      values   = ["*"]
    }
  }
}

resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = data.aws_iam_policy_document.ops.json
}
