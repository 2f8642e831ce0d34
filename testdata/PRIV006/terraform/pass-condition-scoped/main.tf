# PRIV006 passing cases: reads on Resource "*" scoped by a condition instead of ARNs.

data "aws_iam_policy_document" "app" {
  # The team's secrets, by tag.
  statement {
    sid       = "TeamSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "secretsmanager:ResourceTag/team"
      values   = ["payments"]
    }
  }

  # Decrypt only through S3 (the bucket policy decides which objects).
  statement {
    sid       = "DecryptViaS3"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.eu-west-1.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "app" {
  name   = "app"
  policy = data.aws_iam_policy_document.app.json
}
