# Roles Anywhere with a certificate CN condition of "*": it matches every certificate.
resource "aws_iam_role" "anywhere" {
  name               = "anywhere"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": [
            "sts:AssumeRole",
            "sts:TagSession",
            "sts:SetSourceIdentity"
          ],
          "Principal": {
            "Service": "rolesanywhere.amazonaws.com"
          },
          "Condition": {
            "StringLike": {
              "aws:PrincipalTag/x509Subject/CN": "*"
            }
          }
        }
      ]
    }
  EOT
}
