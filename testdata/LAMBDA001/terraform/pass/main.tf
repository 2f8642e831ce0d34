resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# "*" within the organization.
resource "aws_lambda_permission" "org" {
  action           = "lambda:InvokeFunction"
  function_name    = aws_lambda_function.api.function_name
  principal        = "*"
  principal_org_id = "o-abc123def4"
}

# One partner account.
resource "aws_lambda_permission" "partner" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "444455556666"
}

# The permission of an AWS_IAM function URL.
resource "aws_lambda_permission" "url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.api.function_name
  principal              = "*"
  function_url_auth_type = "AWS_IAM"
}
