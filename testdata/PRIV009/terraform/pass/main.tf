# PRIV009 passes: versioned variables, resources of the actions' types, supported keys.
resource "aws_iam_policy" "home" {
  name = "home"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::home/$${aws:username}/*"
      },
      {
        Effect    = "Allow"
        Action    = "dynamodb:GetItem"
        Resource  = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
        Condition = { "ForAllValues:StringEquals" = { "dynamodb:LeadingKeys" = ["tenant-1"] } }
      },
      { Effect = "Allow", Action = "s3:ListBucket", Resource = aws_s3_bucket.data.arn },
    ]
  })
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}
