# A read-only user: not administrator access.
resource "aws_iam_user" "auditor" {
  name = "auditor"
}

resource "aws_iam_user_policy_attachment" "auditor" {
  user       = aws_iam_user.auditor.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# A workload role with AdministratorAccess is WL003's finding, not PRIV008's.
resource "aws_iam_role" "api" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "api_admin" {
  role       = aws_iam_role.api.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# An ARN not statically known.
variable "policy_arn" {
  type = string
}

resource "aws_iam_user_policy_attachment" "auditor_extra" {
  user       = aws_iam_user.auditor.name
  policy_arn = var.policy_arn
}
