# Administrator access written in a customer policy and in an inline policy, not an AWS
# managed one: the workloads are reported all the same, at the statement to change.
resource "aws_iam_policy" "everything" {
  name = "everything"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_role" "app" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.everything.arn
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = aws_iam_role.app.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_iam_role" "ops" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  inline_policy {
    name = "iam"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "ops" {
  function_name = "ops"
  role          = aws_iam_role.ops.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
