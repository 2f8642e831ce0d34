resource "aws_lambda_function" "thumbs" {
  function_name = "thumbs"
  role          = "arn:aws:iam::111122223333:role/thumbs"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# S3 without source_arn or source_account.
resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbs.function_name
  principal     = "s3.amazonaws.com"
}

# S3 with the bucket but not the account (bucket names can be taken over).
resource "aws_lambda_permission" "s3_no_account" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbs.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::uploads"
}

# SNS without the topic.
resource "aws_lambda_permission" "sns" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.thumbs.function_name
  principal     = "sns.amazonaws.com"
}
