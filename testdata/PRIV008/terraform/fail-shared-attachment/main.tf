# One attachment gives AdministratorAccess to a workload's role (WL003's finding) and to a
# user: the user is still reported.
resource "aws_iam_role" "app" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.app.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_policy_attachment" "admins" {
  name       = "admins"
  roles      = [aws_iam_role.app.name]
  users      = [aws_iam_user.deployer.name]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
