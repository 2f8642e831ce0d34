# IMDS001 passing cases: no metadata options, but the image is Amazon Linux 2023, whose
# AMIs AWS registers as IMDSv2-only (instances launched from them require tokens).

# Looked up by name among Amazon's own images.
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

resource "aws_instance" "from_lookup" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.micro"
}

data "aws_ami" "al2023_regex" {
  most_recent = true
  owners      = ["amazon"]
  name_regex  = "^al2023-ami-2023.*-arm64"
}

resource "aws_launch_template" "from_regex" {
  name_prefix   = "regex-"
  image_id      = data.aws_ami.al2023_regex.id
  instance_type = "t4g.micro"
}

# Read from AWS's public Parameter Store path.
data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

resource "aws_launch_template" "from_parameter" {
  name_prefix   = "param-"
  image_id      = data.aws_ssm_parameter.al2023.value
  instance_type = "t3.micro"
}

# The launch template resolves the parameter itself.
resource "aws_launch_template" "resolve_ssm" {
  name_prefix   = "resolve-"
  image_id      = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"
  instance_type = "t3.micro"
}
