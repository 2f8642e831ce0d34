# A role whose statement lists actions on S3 ARNs only: explain shows each action with the
# resources it can act on, and leaves out the actions no listed ARN can name (iam:PassRole
# acts on roles, s3:ListAllMyBuckets only on "*").
resource "aws_iam_role" "app" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  inline_policy {
    name = "data"
    policy = jsonencode({
      Statement = [{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets", "iam:PassRole"]
        Resource = ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]
      }]
    })
  }
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.app.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
