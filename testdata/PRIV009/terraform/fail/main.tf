# PRIV009: a policy variable without Version, a Resource of no action's type, a condition
# key no action supports.
resource "aws_iam_policy" "home" {
  name = "home"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::home/$${aws:username}/*"
    }]
  })
}

resource "aws_iam_policy" "orders" {
  name = "orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
      },
      {
        Effect    = "Allow"
        Action    = "dynamodb:GetItem"
        Resource  = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
        Condition = { StringEquals = { "dynamodb:prefix" = "tenant-1" } }
      },
    ]
  })
}
