# PRIV006 failing cases: reading data or secrets on "*".

# A secret value (jsonencode).
resource "aws_iam_policy" "api" {
  name = "api"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = "*"
    }]
  })
}

# A pattern (aws_iam_policy_document): named with the data reads it matches.
data "aws_iam_policy_document" "reports" {
  statement {
    actions   = ["s3:GetObjectV*", "s3:ListBucket"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "reports" {
  name   = "reports"
  role   = "reports"
  policy = data.aws_iam_policy_document.reports.json
}

# Decryption and parameters (heredoc inline policy of a role).
resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })

  inline_policy {
    name   = "config"
    policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Config",
      "Effect": "Allow",
      "Action": ["ssm:GetParameters", "kms:Decrypt"],
      "Resource": ["*"]
    }
  ]
}
EOF
  }
}
