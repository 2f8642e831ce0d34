variable "role_name" {
  type = string
}

resource "aws_iam_role_policy" "this" {
  name = "ops"
  role = var.role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
