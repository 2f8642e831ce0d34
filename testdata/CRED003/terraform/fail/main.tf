resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_policy" "alice" {
  user = aws_iam_user.alice.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::reports/*" }]
  })
}

resource "aws_iam_user_policy_attachment" "alice_read" {
  user       = aws_iam_user.alice.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# A user named by text only.
resource "aws_iam_user_policy_attachment" "bob" {
  user       = "bob"
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
