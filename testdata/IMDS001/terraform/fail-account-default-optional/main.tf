# The account default allows IMDSv1, and it comes before the AMI's default: an instance
# of an AMI registered IMDSv2-only still accepts IMDSv1 when it sets no tokens itself.

resource "aws_ec2_instance_metadata_defaults" "this" {
  http_tokens = "optional"
}

resource "aws_ami" "v2_only" {
  name                = "app"
  imds_support        = "v2.0"
  root_device_name    = "/dev/xvda"
  virtualization_type = "hvm"
}

resource "aws_instance" "app" {
  ami           = aws_ami.v2_only.id
  instance_type = "t3.micro"
}

# Its own options come first: clean.
resource "aws_instance" "own" {
  ami           = aws_ami.v2_only.id
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
