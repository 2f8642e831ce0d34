# IMDS001 passing cases: none of these can serve IMDSv1, or it cannot be known statically.

variable "tokens_without_default" {
  type = string
}

resource "aws_instance" "required" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "required"
  }
}

# Inherits IMDSv2 from its launch template.
resource "aws_launch_template" "v2" {
  name = "v2-only"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_instance" "from_template" {
  instance_type = "t3.micro"

  launch_template {
    id      = aws_launch_template.v2.id
    version = "$Latest"
  }
}

# The metadata endpoint is switched off entirely.
resource "aws_instance" "endpoint_disabled" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "disabled"
    http_tokens   = "optional"
  }
}

# The AMI, declared here, only supports IMDSv2.
resource "aws_ami" "v2" {
  name                = "v2-only"
  imds_support        = "v2.0"
  root_device_name    = "/dev/xvda"
  virtualization_type = "hvm"
}

resource "aws_instance" "from_v2_ami" {
  ami           = aws_ami.v2.id
  instance_type = "t3.micro"
}

# Not known statically: no finding.
resource "aws_instance" "unknown" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = var.tokens_without_default
  }
}

# A local module that receives http_tokens = "required".
module "web" {
  source      = "./modules/web"
  http_tokens = "required"
}
