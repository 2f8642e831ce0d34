# The account default requires tokens: instances without options of their own are clean.

resource "aws_ec2_instance_metadata_defaults" "this" {
  http_tokens                 = "required"
  http_put_response_hop_limit = 1
}

resource "aws_instance" "inherits_account_default" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
