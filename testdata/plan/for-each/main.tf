# plan.json is the plan of this configuration, made by scripts/make-plans: for_each over a
# resource (each.value is the role instance), count, and names known only after apply.

locals {
  functions = toset(["ingest", "report"])
}

resource "aws_iam_role" "fn" {
  for_each    = local.functions
  name_prefix = "fn-${each.key}-"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

# The logs policy reaches every role through for_each over the roles themselves.
resource "aws_iam_role_policy_attachment" "logs" {
  for_each   = aws_iam_role.fn
  role       = each.value.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "admin" {
  for_each = aws_iam_role.fn
  role     = each.value.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_lambda_function" "fn" {
  for_each      = local.functions
  function_name = each.key
  role          = aws_iam_role.fn[each.key].arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

resource "aws_iam_role" "node" {
  name_prefix = "node-"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "node-"
  role        = aws_iam_role.node.name
}

resource "aws_instance" "node" {
  count                = 2
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.node.name
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
