resource "aws_instance" "broken" {
  ami = "ami-0123456789abcdef0"
  metadata_options {
    http_tokens = = "optional"
  }
}
