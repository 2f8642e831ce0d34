# PassRole on any role and RunInstances in one policy document.
data "aws_iam_policy_document" "launcher" {
  statement {
    sid       = "PassAny"
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
  statement {
    sid       = "Launch"
    actions   = ["ec2:RunInstances", "ec2:DescribeInstances"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "launcher" {
  name   = "launcher"
  policy = data.aws_iam_policy_document.launcher.json
}

# A user who may attach any policy to any principal (a wildcard reaches the action).
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_policy" "ci" {
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["iam:Attach*", "iam:List*"], Resource = "*" }]
  })
}

# Assume any role.
resource "aws_iam_role_policy" "hopper" {
  role = "hopper"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }]
  })
}
