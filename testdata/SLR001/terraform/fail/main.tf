# A policy attached to a service-linked role named by text.
resource "aws_iam_role_policy_attachment" "ecs_extra" {
  role       = "AWSServiceRoleForECS"
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

# An inline policy on a service-linked role created here.
resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "app"
}

resource "aws_iam_role_policy" "autoscaling_extra" {
  name = "extra"
  role = aws_iam_service_linked_role.autoscaling.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }]
  })
}
