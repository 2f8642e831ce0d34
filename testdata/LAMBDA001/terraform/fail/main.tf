resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# Anyone in any account may invoke the function.
resource "aws_lambda_permission" "anyone" {
  statement_id  = "AllowAnyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "*"
}
