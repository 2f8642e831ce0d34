# A CircleCI provider named by reference: its URL is one organization's issuer, so the
# trust is scoped without a :sub condition.
resource "aws_iam_openid_connect_provider" "circleci" {
  url             = "https://oidc.circleci.com/org/0f5b1b9e-2c4d-4a4b-9a8e-2f1f6c1f3b7a"
  client_id_list  = ["0f5b1b9e-2c4d-4a4b-9a8e-2f1f6c1f3b7a"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

resource "aws_iam_role" "ci" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.circleci.arn }
      Condition = {
        StringEquals = { "oidc.circleci.com/org/0f5b1b9e-2c4d-4a4b-9a8e-2f1f6c1f3b7a:aud" = "0f5b1b9e-2c4d-4a4b-9a8e-2f1f6c1f3b7a" }
      }
    }]
  })
}
