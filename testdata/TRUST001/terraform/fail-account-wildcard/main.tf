# Anyone, narrowed only by a principal ARN whose account is a wildcard: anyone can
# create a role named deployer in an account of their own.
resource "aws_iam_role" "any_deployer" {
  name               = "any_deployer"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {
            "AWS": "*"
          },
          "Condition": {
            "ArnLike": {
              "aws:PrincipalArn": "arn:aws:iam::*:role/deployer"
            }
          }
        }
      ]
    }
  EOT
}
