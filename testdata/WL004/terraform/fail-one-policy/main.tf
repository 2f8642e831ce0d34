# One written policy allows the whole path on its own: PRIV007 reports the statement,
# WL004 the workload that runs with it.
resource "aws_iam_role" "deployer" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  inline_policy {
    name = "deploy"
    policy = jsonencode({
      Statement = [
        { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
        { Effect = "Allow", Action = "lambda:CreateFunction", Resource = "*" },
      ]
    })
  }
}

resource "aws_lambda_function" "deployer" {
  function_name = "deployer"
  role          = aws_iam_role.deployer.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

