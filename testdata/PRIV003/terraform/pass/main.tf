# PRIV003 passing cases.

resource "aws_iam_policy" "fine" {
  name = "fine"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Describe-only on "*": List and Read actions, most of which only accept "*".
      { Effect = "Allow", Action = ["ec2:Describe*", "s3:ListAllMyBuckets", "sts:GetCallerIdentity"], Resource = "*" },
      # Write actions that only accept "*".
      { Effect = "Allow", Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource = "*" },
      # Tagging is not Write.
      { Effect = "Allow", Action = "ec2:CreateTags", Resource = "*" },
      # Scoped to a queue.
      { Effect = "Allow", Action = ["sqs:SendMessage", "sqs:DeleteMessage"], Resource = "arn:aws:sqs:us-east-1:111122223333:jobs" },
      # Deny.
      { Effect = "Deny", Action = "s3:DeleteObject", Resource = "*" },
      # Data reads (PRIV006), whole services (PRIV002), everything (PRIV001).
      { Effect = "Allow", Action = ["kms:Decrypt", "dynamodb:*"], Resource = "*" },
    ]
  })
}

# aws_iam_policy_document with a scoped statement.
data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:us-east-1:111122223333:log-group:/app:*"]
  }
}

resource "aws_iam_policy" "logs" {
  name   = "logs"
  policy = data.aws_iam_policy_document.logs.json
}
