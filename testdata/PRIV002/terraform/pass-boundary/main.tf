# A policy used only as a permissions boundary: it limits the role to S3 and Lambda and
# grants nothing itself, so it is not judged as a grant.
resource "aws_iam_policy" "boundary" {
  name = "boundary"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:*", "lambda:*", "iam:PassRole"], Resource = "*" }]
  })
}

resource "aws_iam_role" "app" {
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::app-data/*" }]
  })
}
