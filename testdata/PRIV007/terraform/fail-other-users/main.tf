# PRIV007 failing case: besides its own user, the holder may create access keys for every
# user whose name starts with "ci-", and act as them.

data "aws_iam_policy_document" "key_rotation" {
  statement {
    actions = ["iam:CreateAccessKey"]
    resources = [
      "arn:aws:iam::111122223333:user/$${aws:username}",
      "arn:aws:iam::111122223333:user/ci-*",
    ]
  }
}

resource "aws_iam_policy" "key_rotation" {
  name   = "key-rotation"
  policy = data.aws_iam_policy_document.key_rotation.json
}
