variable "role_name" {
  type = string
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "profile-"
  role        = var.role_name
}

output "name" {
  value = aws_iam_instance_profile.this.name
}
