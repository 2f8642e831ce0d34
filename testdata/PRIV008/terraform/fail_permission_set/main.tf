# An IAM Identity Center permission set: its inline policy and AWS managed policies are
# held by the people assigned to it.
resource "aws_ssoadmin_permission_set" "ops" {
  name         = "Ops"
  instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
}

resource "aws_ssoadmin_permission_set_inline_policy" "ops" {
  instance_arn       = aws_ssoadmin_permission_set.ops.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.ops.arn
  inline_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }]
  })
}

resource "aws_ssoadmin_managed_policy_attachment" "admin" {
  instance_arn       = aws_ssoadmin_permission_set.ops.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.ops.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
