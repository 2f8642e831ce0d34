# IMDS002 passing cases.

variable "hop_limit" {
  type = number
}

resource "aws_launch_template" "one_hop" {
  name = "one-hop"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

# The endpoint is off: the hop limit does not matter.
resource "aws_instance" "endpoint_disabled" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint               = "disabled"
    http_put_response_hop_limit = 2
  }
}

# Not known statically.
resource "aws_instance" "unknown" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = var.hop_limit
  }
}
