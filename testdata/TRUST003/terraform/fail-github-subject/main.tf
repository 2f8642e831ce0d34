# GitHub subjects that do not name one organization: "environment:prod" can be produced
# by any repository with a customised subject template; "repo:acme*" also matches
# repo:acme-evil/... The one with repository_owner_id is scoped.
resource "aws_iam_role" "deploy_env" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "environment:prod"
        }
      }
    }]
  })
}

resource "aws_iam_role" "deploy_prefix" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme*" }
      }
    }]
  })
}

resource "aws_iam_role" "deploy_owner" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:sub"                 = "environment:prod"
          "token.actions.githubusercontent.com:repository_owner_id" = "1234567"
        }
      }
    }]
  })
}
