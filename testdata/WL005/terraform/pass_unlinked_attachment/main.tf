# The logs policy is attached to a role named by a variable with no value: it may be this
# function's role, so its policies are not all known and nothing is reported.
variable "role_name" {
  type = string
}

resource "aws_iam_role" "fn" {
  name = "ingest"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = var.role_name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_lambda_function" "fn" {
  function_name = "ingest"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
