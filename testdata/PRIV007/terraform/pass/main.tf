# PassRole with a service condition, and read-only IAM.
resource "aws_iam_policy" "launcher" {
  name = "launcher"
  policy = jsonencode({
    Statement = [
      {
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "*"
        Condition = { StringEquals = { "iam:PassedToService" = "ec2.amazonaws.com" } }
      },
      { Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" },
      { Effect = "Allow", Action = ["iam:Get*", "iam:List*"], Resource = "*" },
    ]
  })
}

# The path, and a Deny in the same document that closes it.
resource "aws_iam_policy" "denied" {
  name = "denied"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction"], Resource = "*" },
      { Effect = "Deny", Action = "iam:PassRole", Resource = "*" },
    ]
  })
}

# Assume one named role only.
resource "aws_iam_role_policy" "hopper" {
  role = "hopper"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::111122223333:role/reader" }]
  })
}

# Everything on everything: PRIV001's finding, not PRIV007's.
resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
