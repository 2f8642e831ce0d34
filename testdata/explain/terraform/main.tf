# rolegraph explain aws_instance.app: instance -> profile -> role -> policies.
variable "extra_policy_arn" {
  type = string
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  permissions_boundary = aws_iam_policy.boundary.arn
  inline_policy {
    name = "data"
    policy = jsonencode({
      Statement = [
        { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::app-data/*" },
        { Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::app-data" },
        { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "true" } } },
      ]
    })
  }
}

resource "aws_iam_policy" "boundary" {
  name = "app-boundary"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:*", "sqs:*", "ssm:*", "ec2messages:*", "ssmmessages:*"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "extra" {
  role       = aws_iam_role.app.name
  policy_arn = var.extra_policy_arn
}

resource "aws_iam_instance_profile" "app" {
  role = aws_iam_role.app.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.app.name
  metadata_options {
    http_tokens = "required"
  }
}
