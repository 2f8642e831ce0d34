# PRIV005 failing cases: actions that are not IAM actions.

# A typo (jsonencode): the read stays denied.
resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:ListBucket", "s3:GetObjekt"]
      Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
    }]
  })
}

# A misspelt service and a missing prefix (aws_iam_policy_document): one finding.
data "aws_iam_policy_document" "fn" {
  statement {
    actions   = ["lamda:*", "GetFunction"]
    resources = ["arn:aws:lambda:us-east-1:111122223333:function:api"]
  }
}

resource "aws_iam_role_policy" "fn" {
  name   = "fn"
  role   = "deployer"
  policy = data.aws_iam_policy_document.fn.json
}

# A typo in a Deny (heredoc): the delete stays allowed.
resource "aws_iam_group_policy" "guard" {
  name   = "guard"
  group  = "developers"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Deny", "Action": "iam:DeleteRoel", "Resource": "*" }
  ]
}
EOF
}
