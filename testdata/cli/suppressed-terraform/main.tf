# Every high finding is suppressed, one of them without a reason; a medium one is not.

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

# rolegraph:ignore IMDS001 -- replaced by the v2 fleet in March
# checkov:skip=CKV_AWS_8:unrelated to rolegraph
resource "aws_instance" "legacy" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name

  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_launch_template" "vendor" {
  # checkov:skip=CKV_AWS_79:vendor image
  name_prefix = "vendor-"

  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }
}

resource "aws_instance" "appliance" { # rolegraph:ignore IMDS001
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web.name
}
