# IMDS001 suppressed in Terraform comments: rolegraph's own syntax, and the syntaxes of
# Checkov, tfsec and Trivy for their equivalent checks.

resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web" {
  name = "web"
  role = aws_iam_role.web.name
}

# rolegraph:ignore IMDS001 -- the bastion's agent needs IMDSv1 until the March upgrade
resource "aws_instance" "own" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.web.name
}

resource "aws_instance" "own_on_the_block" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  /* rolegraph:ignore IMDS001 -- vendor appliance, IMDSv2 unsupported */
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_launch_template" "checkov" {
  #checkov:skip=CKV_AWS_79:legacy AMI, rebuilt in Q3
  name_prefix = "checkov-"

  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }
}

#tfsec:ignore:aws-ec2-enforce-http-token-imds
resource "aws_instance" "tfsec" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name
}

resource "aws_launch_template" "trivy" { # trivy:ignore:AVD-AWS-0130
  name_prefix = "trivy-"

  metadata_options {
    http_tokens = "optional"
  }
}
