# A CI user with AdministratorAccess.
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_policy_attachment" "ci_admin" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# A group with IAMFullAccess.
resource "aws_iam_group" "ops" {
  name = "ops"
}

resource "aws_iam_group_policy_attachment" "ops_iam" {
  group      = aws_iam_group.ops.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}

# A role defined elsewhere, named here: still this configuration's attachment.
resource "aws_iam_role_policy_attachment" "breakglass" {
  role       = "breakglass"
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
