# explain: an instance that gets its instance profile from a launch template (the link the
# rules follow), with a role that may call every action of every service.
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({Version="2012-10-17", Statement=[{Effect="Allow", Action="sts:AssumeRole", Principal={Service="ec2.amazonaws.com"}}]})
}
resource "aws_iam_instance_profile" "p" {
  role = aws_iam_role.r.name
}
resource "aws_launch_template" "lt" {
  iam_instance_profile { arn = aws_iam_instance_profile.p.arn }
  metadata_options { http_tokens = "optional" }
}
resource "aws_instance" "web" {
  launch_template { id = aws_launch_template.lt.id }
}
resource "aws_iam_role_policy_attachment" "a" {
  role = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
