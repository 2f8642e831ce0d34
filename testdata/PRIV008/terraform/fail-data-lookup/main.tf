# AWS managed policies looked up with data "aws_iam_policy" (by name, by ARN) are the
# embedded managed policies; a literal ARN beside a lookup is still resolved.
data "aws_iam_policy" "admin" {
  name = "AdministratorAccess"
}
data "aws_iam_policy" "iam" {
  arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}
resource "aws_iam_role" "a" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = [data.aws_iam_policy.admin.arn]
}
resource "aws_iam_role" "b" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/IAMFullAccess"]
}
resource "aws_iam_role_policy_attachment" "c" {
  role = aws_iam_role.c.name
  policy_arn = data.aws_iam_policy.iam.arn
}
resource "aws_iam_role" "c" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
