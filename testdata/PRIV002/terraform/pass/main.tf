# PRIV002 passing cases.

variable "actions" {
  type = list(string)
}

resource "aws_iam_policy" "fine" {
  name = "fine"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # A prefix of a service, not all of it.
      { Effect = "Allow", Action = ["s3:Get*", "s3:List*"], Resource = "arn:aws:s3:::reports/*" },
      # A Deny of a whole service is a guard rail.
      { Effect = "Deny", Action = "iam:*", Resource = "*" },
      # Not a service the dataset knows: PRIV005 reports it.
      { Effect = "Allow", Action = "lamda:*", Resource = "*" },
      # Everything: PRIV001's case.
      { Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::scratch" },
      # Not statically known.
      { Effect = "Allow", Action = var.actions, Resource = "*" },
    ]
  })
}
