{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Everything",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "${resource}"
    }
  ]
}
