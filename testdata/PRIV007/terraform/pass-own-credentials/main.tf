# PRIV007 passing case: every user may manage its own access keys and console password,
# and no one else's (the policy variable ${aws:username} is the caller's user name).

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "self_service" {
  statement {
    sid = "ManageOwnCredentials"
    actions = [
      "iam:CreateAccessKey",
      "iam:DeleteAccessKey",
      "iam:UpdateAccessKey",
      "iam:*LoginProfile",
    ]
    resources = [
      "arn:aws:iam::${data.aws_caller_identity.current.account_id}:user/$${aws:username}",
      "arn:aws:iam::${data.aws_caller_identity.current.account_id}:user/*/$${aws:username}",
    ]
  }
}

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_group_policy" "self_service" {
  name   = "self-service"
  group  = aws_iam_group.developers.name
  policy = data.aws_iam_policy_document.self_service.json
}
