# IMDSv1 on instances with no instance profile: user data and metadata are exposed, no
# credentials (medium). The one with a profile keeps high.
resource "aws_instance" "bare" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "default_options" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_instance" "with_role" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = "app-profile"
}
