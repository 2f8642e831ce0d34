resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_group" "analysts" {
  name = "analysts"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.analysts.name]
}

resource "aws_iam_group_policy_attachment" "analysts" {
  group      = aws_iam_group.analysts.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
