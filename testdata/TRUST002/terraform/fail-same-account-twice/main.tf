# One statement names the same foreign account twice (a role ARN and the account ID):
# one finding for the account.
resource "aws_iam_role" "partner" {
  name               = "partner"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {
            "AWS": [
              "arn:aws:iam::444455556666:role/ci",
              "444455556666"
            ]
          }
        }
      ]
    }
  EOT
}
