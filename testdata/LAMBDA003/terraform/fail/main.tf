resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "NONE"
}
