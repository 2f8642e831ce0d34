variable "http_tokens" {
  type = string
}

resource "aws_iam_role" "web" {
  name = "web"
  # Trusts Lambda, not EC2: WL001 would fire, but the configuration ignores the WL family.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web" {
  name = "web"
  role = aws_iam_role.web.name
}

resource "aws_instance" "web" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name

  metadata_options {
    http_tokens                 = var.http_tokens
    http_put_response_hop_limit = 2
  }
}
