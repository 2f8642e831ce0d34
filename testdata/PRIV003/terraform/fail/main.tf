# PRIV003 failing cases: Write or Permissions management actions that accept ARNs, on "*".

# Two queue actions (jsonencode): one finding listing both.
resource "aws_iam_policy" "worker" {
  name = "worker"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:SendMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl"]
      Resource = "*"
    }]
  })
}

# A pattern (aws_iam_policy_document): counted by the Write actions it matches.
data "aws_iam_policy_document" "uploads" {
  statement {
    sid       = "Uploads"
    actions   = ["s3:PutObject*"]
    resources = ["*"]
  }
}

resource "aws_iam_group_policy" "uploaders" {
  name   = "uploads"
  group  = "uploaders"
  policy = data.aws_iam_policy_document.uploads.json
}

# Permissions management (heredoc inline policy of a role).
resource "aws_iam_role" "provisioner" {
  name = "provisioner"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })

  inline_policy {
    name   = "iam"
    policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iam:PutRolePolicy", "ec2:DescribeInstances"],
      "Resource": "*"
    }
  ]
}
EOF
  }
}
