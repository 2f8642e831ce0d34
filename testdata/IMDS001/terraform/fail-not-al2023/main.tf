# IMDS001 failing cases: no metadata options, and nothing says the image requires IMDSv2.

# Amazon Linux 2: IMDSv1 stays on by default.
data "aws_ami" "al2" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

resource "aws_instance" "al2" {
  ami           = data.aws_ami.al2.id
  instance_type = "t3.micro"
}

# An AL2023 name, but anyone's image: a public image can take that name.
data "aws_ami" "anyone" {
  most_recent = true
  owners      = ["aws-marketplace", "self"]

  filter {
    name   = "name"
    values = ["al2023-ami-*"]
  }
}

resource "aws_instance" "anyone" {
  ami           = data.aws_ami.anyone.id
  instance_type = "t3.micro"
}

# The ECS-optimized AL2023 image is not documented as IMDSv2-only.
data "aws_ssm_parameter" "ecs" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_launch_template" "ecs" {
  name_prefix   = "ecs-"
  image_id      = data.aws_ssm_parameter.ecs.value
  instance_type = "t3.micro"
}
