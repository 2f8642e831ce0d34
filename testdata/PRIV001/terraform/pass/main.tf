# PRIV001 passing cases.

variable "resources" {
  type = list(string)
}

resource "aws_iam_policy" "scoped" {
  name = "scoped"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Every action, but on one bucket only.
      { Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::scratch" },
      # A Deny of everything is a guard rail, not a grant.
      { Effect = "Deny", Action = "*", Resource = "*" },
      # A whole service is PRIV002's finding, not full admin.
      { Effect = "Allow", Action = "s3:*", Resource = "*" },
      # The resources are not known: no verdict.
      { Effect = "Allow", Action = "*", Resource = var.resources },
    ]
  })
}

# A trust policy is not an identity policy.
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
