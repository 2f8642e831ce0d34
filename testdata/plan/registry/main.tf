# plan.json is the plan of this configuration. The role comes from a registry module that
# is not installed here (no .terraform/): a scan of the .tf files cannot see inside it, the
# plan can. Findings about the module's resources point into the plan JSON.

module "app_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  version = "5.39.0"

  create_role             = true
  create_instance_profile = true
  role_name               = "app"
  role_requires_mfa       = false
  trusted_role_services   = ["lambda.amazonaws.com"]
}

resource "aws_instance" "app" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = module.app_role.iam_instance_profile_name

  metadata_options {
    http_tokens = "required"
  }
}
