# PRIV004 passing cases: NotAction in a Deny is a guard rail.

data "aws_iam_policy_document" "guard" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
  statement {
    effect        = "Deny"
    not_actions   = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::reports/*"]
  }
}

resource "aws_iam_policy" "guard" {
  name   = "guard"
  policy = data.aws_iam_policy_document.guard.json
}
