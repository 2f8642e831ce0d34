# Write actions on "*" scoped by conditions: an instance acting on itself only
# (aws:ARN equals ${ec2:SourceInstanceARN}), and resources that carry a tag (Null on
# aws:ResourceTag/team false).
resource "aws_iam_role" "self_tagger" {
  name               = "self_tagger"
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
            "Action": "ec2:StopInstances",
            "Resource": "*",
            "Condition": {
              "StringEquals": {
                "aws:ARN": "$${ec2:SourceInstanceARN}"
              }
            }
          },
          {
            "Effect": "Allow",
            "Action": "ec2:TerminateInstances",
            "Resource": "*",
            "Condition": {
              "Null": {
                "aws:ResourceTag/team": "false"
              }
            }
          }
        ]
      }
    EOT
  }
}
