# A conditional on a root variable with no value: the branch that allows IMDSv1 can be
# chosen, so it is reported, naming the variable that selects it (as a CloudFormation
# Fn::If over a parameter without a default is).
variable "legacy_agent" {
  type = bool
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = var.legacy_agent ? "optional" : "required"
  }
}
