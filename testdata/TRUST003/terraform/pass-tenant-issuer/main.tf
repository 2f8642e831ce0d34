# TRUST003 passing cases: CircleCI and Bitbucket Pipelines have one OIDC issuer per
# organization, so a trust without a :sub condition admits that organization's projects
# only (like repo:org/* for GitHub).

data "aws_caller_identity" "current" {}

locals {
  circleci_org = "0f5b1b9e-2c4d-4a7e-9d31-6a8b2f4c1e07"
  issuer       = "oidc.circleci.com/org/${local.circleci_org}"
}

resource "aws_iam_role" "circleci_deploy" {
  name = "circleci-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.issuer}" }
      Condition = { StringEquals = { "${local.issuer}:aud" = local.circleci_org } }
    }]
  })
}

resource "aws_iam_role" "bitbucket_deploy" {
  name = "bitbucket-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc" }
    }]
  })
}
