# A foreign account trusted with MFA required: a third-party service acting for its
# customers cannot satisfy it (no confused deputy).
resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {
            "AWS": "arn:aws:iam::444455556666:root"
          },
          "Condition": {
            "Bool": {
              "aws:MultiFactorAuthPresent": "true"
            }
          }
        }
      ]
    }
  EOT
}
