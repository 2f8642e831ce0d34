# LAMBDA002 passing cases: the source account, or the organization, limits who can invoke
# the function through the service.

data "aws_caller_identity" "current" {}

data "aws_organizations_organization" "this" {}

resource "aws_lambda_function" "check" {
  function_name = "check"
  role          = "arn:aws:iam::111122223333:role/check"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# ElastiCache in this account only.
resource "aws_lambda_permission" "elasticache" {
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.check.function_name
  principal      = "elasticache.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
}

# AWS Config, for the organization's accounts.
resource "aws_lambda_permission" "config" {
  action           = "lambda:InvokeFunction"
  function_name    = aws_lambda_function.check.function_name
  principal        = "config.amazonaws.com"
  principal_org_id = data.aws_organizations_organization.this.id
}

# S3: the bucket owner's account is enough.
resource "aws_lambda_permission" "s3" {
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.check.function_name
  principal      = "s3.amazonaws.com"
  source_account = "111122223333"
}
