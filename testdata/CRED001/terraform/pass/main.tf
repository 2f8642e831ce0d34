# Credentials come from outside the configuration.
variable "access_key" {
  type      = string
  sensitive = true
}

provider "aws" {
  region     = "eu-west-1"
  access_key = var.access_key
}

resource "aws_lambda_function" "sync" {
  function_name = "sync"
  role          = "arn:aws:iam::111122223333:role/sync"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      # A 40-character hash that is not bound to a key-like name.
      BUILD_SHA = "3f786850e387550fdab836ed7e6dc881de23001b"
      SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sync"
    }
  }
}
