resource "aws_instance" "still_reported" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  # A role: IMDSv1 exposes its credentials (high).
  iam_instance_profile = "app-profile"
}
