# PRIV002 failing cases: a statement allows a whole service.

# Two services in one statement (jsonencode): one finding at the statement.
resource "aws_iam_policy" "data" {
  name = "data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:*", "dynamodb:*"]
      Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
    }]
  })
}

# A user's inline policy (heredoc).
resource "aws_iam_user_policy" "ci" {
  name   = "ci"
  user   = "ci"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "kms:*", "Resource": "*" }
  ]
}
EOF
}

# aws_iam_policy_document.
data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "Queue"
    actions   = ["sqs:*"]
    resources = ["arn:aws:sqs:us-east-1:111122223333:jobs"]
  }
}

resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name   = "queue"
  role   = aws_iam_role.worker.name
  policy = data.aws_iam_policy_document.queue.json
}
