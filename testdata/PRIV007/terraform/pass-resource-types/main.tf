# Every action, but only on S3 ARNs: IAM grants an action only on the resources it acts
# on, so neither iam:PassRole (roles) nor iam:CreatePolicyVersion (policies) is granted.
resource "aws_iam_policy" "buckets" {
  name = "buckets"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::*" }]
  })
}

resource "aws_iam_policy" "objects" {
  name = "objects"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"] }]
  })
}

# iam:* on a log group ARN acts on nothing IAM has.
resource "aws_iam_policy" "misplaced" {
  name = "misplaced"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["iam:*", "ec2:RunInstances"], Resource = "arn:aws:logs:*:*:log-group:app:*" }]
  })
}
