# IMDS001 failing cases: each resource below can serve IMDSv1.

variable "tokens" {
  type    = string
  default = "optional"
}

resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web" {
  name = "web"
  role = aws_iam_role.web.name
}

# No metadata_options at all: the default is "optional".
resource "aws_instance" "no_options" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.web.name
}

# Explicitly optional.
resource "aws_instance" "optional" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }
}

# A variable whose default is "optional".
resource "aws_launch_template" "from_variable" {
  name_prefix = "web-"

  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }

  metadata_options {
    http_tokens = var.tokens
  }
}

resource "aws_autoscaling_group" "web" {
  min_size = 1
  max_size = 2

  launch_template {
    id      = aws_launch_template.from_variable.id
    version = "$Latest"
  }
}

# A metadata_options block that leaves http_tokens out.
resource "aws_launch_configuration" "partial" {
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "enabled"
  }
}

# A local module that receives http_tokens from here.
module "web" {
  source      = "./modules/web"
  http_tokens = "optional"
}
