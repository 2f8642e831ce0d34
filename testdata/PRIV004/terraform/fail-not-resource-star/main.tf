# An Allow with NotResource "*" excludes every resource: it grants nothing (low).
resource "aws_iam_role" "nothing" {
  name               = "nothing"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {
            "Service": "lambda.amazonaws.com"
          }
        }
      ]
    }
  EOT
  inline_policy {
    name   = "work"
    policy = <<-EOT
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "NotResource": "*"
          }
        ]
      }
    EOT
  }
}
