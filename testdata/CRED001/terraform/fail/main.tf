variable "deploy_key_id" {
  type    = string
  default = "AKIA5T3R9WQ8ZL2XK7VB"
}

locals {
  docs_key = "AKIAIOSFODNN7EXAMPLE" # AWS's documented example: not reported
}

resource "aws_lambda_function" "sync" {
  function_name = "sync"
  role          = "arn:aws:iam::111122223333:role/sync"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      AWS_ACCESS_KEY_ID     = var.deploy_key_id
      AWS_SECRET_ACCESS_KEY = "pQ3+Lm9/Vx2Rt7Nb4Kc8Hd1Fg6Js5Aw0Ez3Yu9Ik"
    }
  }
}

# Base64 user data with a temporary key in it.
resource "aws_instance" "web" {
  ami              = "ami-0123456789abcdef0"
  user_data_base64 = "IyEvYmluL2Jhc2gKZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFTSUE3UTRNWjJQTFdYM05CNktECnl1bSBpbnN0YWxsIC15IGh0dHBkCg=="
  metadata_options {
    http_tokens = "required"
  }
}
