# plan.json is the plan of this configuration against existing state: it updates
# aws_instance.app (the change replaces http_tokens = "required" by "optional"), creates
# aws_instance.worker, leaves aws_instance.batch alone, and deletes aws_instance.old, which
# is no longer configured.
# The role is an existing one, read with a data source (it is only in the prior state).

data "aws_iam_role" "legacy" {
  name = "legacy"
}

resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = data.aws_iam_role.legacy.name
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name

  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "batch" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "worker" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name

  metadata_options {
    http_tokens = "required"
  }
}
