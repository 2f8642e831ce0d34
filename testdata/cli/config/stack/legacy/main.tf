# Excluded by the configuration: never scanned.
resource "aws_instance" "legacy" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = "legacy-profile"

  metadata_options {
    http_tokens = "optional"
  }
}
