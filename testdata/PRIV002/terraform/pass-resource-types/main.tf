# A whole service on ARNs of another service: iam:* acts on no log group, so the
# statement grants nothing of IAM.
resource "aws_iam_role" "misplaced" {
  name               = "misplaced"
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
            "Action": [
              "iam:*"
            ],
            "Resource": "arn:aws:logs:*:*:log-group:app:*"
          }
        ]
      }
    EOT
  }
}
