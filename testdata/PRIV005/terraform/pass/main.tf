# PRIV005 passing cases.

variable "extra_actions" {
  type = list(string)
}

resource "aws_iam_policy" "fine" {
  name = "fine"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Case does not matter; patterns that match something are fine.
      { Effect = "Allow", Action = ["S3:getobject", "s3:List*", "ec2:Describe*", "sts:AssumeRoleWith?AML"], Resource = "*" },
      # Everything.
      { Effect = "Deny", NotAction = ["*:*"], Resource = "*" },
      # Not statically known.
      { Effect = "Allow", Action = var.extra_actions, Resource = "*" },
    ]
  })
}
