# Two instances from one block, both without IMDSv2: one finding that names both.
resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
