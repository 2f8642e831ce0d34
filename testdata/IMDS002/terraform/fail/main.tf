# IMDS002 failing cases: the token response reaches containers on the host.

locals {
  hop_limit = 2
}

resource "aws_launch_template" "eks_nodes" {
  name = "eks-nodes"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = local.hop_limit
  }
}

resource "aws_instance" "docker_host" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 3
  }
}
