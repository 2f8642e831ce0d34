# An object literal that writes a key twice is valid Terraform: the last value wins. The
# file is scanned (with a warning), and the instance's tokens are "optional".
locals {
  metadata = {
    http_tokens = "required"
    http_tokens = "optional"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = local.metadata.http_tokens
  }
}
