# One role per function; the logs policy is attached with for_each over the roles
# themselves (each.value is the role instance), so every function can write its logs.
locals {
  functions = toset(["ingest", "report"])
}

resource "aws_iam_role" "fn" {
  for_each = local.functions
  name     = "fn-${each.key}"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "logs" {
  for_each   = aws_iam_role.fn
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_lambda_function" "fn" {
  for_each      = local.functions
  function_name = each.key
  role          = aws_iam_role.fn[each.key].arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}
