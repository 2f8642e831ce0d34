# The same writers, every entry closed.

resource "aws_iam_role" "web_role" {
  name               = "web"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "ec2.amazonaws.com"
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "web"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}

resource "aws_iam_instance_profile" "web_instance_profile" {
  role = aws_iam_role.web_role.name
}

resource "aws_instance" "web_instance" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.web_instance_profile.name

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_iam_role" "node_role" {
  name               = "node"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "ec2.amazonaws.com"
      }
    }
  ]
}
JSON
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]
  inline_policy {
    name   = "node"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}

resource "aws_iam_instance_profile" "node_instance_profile" {
  role = aws_iam_role.node_role.name
}

resource "aws_instance" "node_instance" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.node_instance_profile.name

  metadata_options {
    http_tokens = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_iam_role" "any_role" {
  name               = "any"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"
      },
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "a1b2c3"
        }
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "any"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}

resource "aws_iam_role" "vendor_role" {
  name               = "vendor"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"
      },
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "a1b2c3"
        }
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "vendor"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}

resource "aws_iam_role" "github_role" {
  name               = "github"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      },
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:acme/deploy:ref:refs/heads/main"
        }
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "github"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}

resource "aws_iam_role" "anywhere_role" {
  name               = "anywhere"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "sts:AssumeRole",
        "sts:TagSession",
        "sts:SetSourceIdentity"
      ],
      "Principal": {
        "Service": "rolesanywhere.amazonaws.com"
      },
      "Condition": {
        "StringEquals": {
          "aws:PrincipalTag/x509Subject/CN": "build.example.com"
        },
        "ArnEquals": {
          "aws:SourceArn": "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/4f2e7e8a-1111-2222-3333-444455556666"
        }
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "anywhere"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:*",
      "Resource": "*"
    }
  ]
}
JSON
  }
}
