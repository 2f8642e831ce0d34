data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "uploads" {
  bucket = "uploads"
}

resource "aws_lambda_function" "thumbs" {
  function_name = "thumbs"
  role          = "arn:aws:iam::111122223333:role/thumbs"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# S3 with the bucket and the account.
resource "aws_lambda_permission" "s3" {
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.thumbs.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id
}

# EventBridge with the rule.
resource "aws_lambda_permission" "events" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbs.function_name
  principal     = "events.amazonaws.com"
  source_arn    = "arn:aws:events:eu-west-1:111122223333:rule/nightly"
}
