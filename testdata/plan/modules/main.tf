# plan.json is the plan of this configuration (`terraform show -json`): nested modules,
# count and for_each instances, and ARNs and names that are known only after apply.

resource "aws_iam_role" "web" {
  name_prefix = "web-"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

module "profile" {
  source    = "./modules/profile"
  role_name = aws_iam_role.web.name
}

resource "aws_instance" "web" {
  count                = 2
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = module.profile.name

  metadata_options {
    http_tokens = "optional"
  }
}

module "svc" {
  source   = "./modules/svc"
  for_each = toset(["api", "worker"])
  name     = each.key
}
