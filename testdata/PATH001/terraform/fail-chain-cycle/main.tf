# A chain with a cycle: the instance role and hop1 may assume each other; hop1 may assume the administrator role. The path goes web -> hop1 -> admin once.

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
    },
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": [
          "${aws_iam_role.hop1_role.arn}"
        ]
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
      "Action": "sts:AssumeRole",
      "Resource": [
        "${aws_iam_role.hop1_role.arn}"
      ]
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
    http_tokens = "optional"
  }
}

resource "aws_iam_role" "hop1_role" {
  name               = "hop1"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": [
          "${aws_iam_role.web_role.arn}"
        ]
      }
    }
  ]
}
JSON
  inline_policy {
    name   = "hop1"
    policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": [
        "${aws_iam_role.admin_role.arn}",
        "${aws_iam_role.web_role.arn}"
      ]
    }
  ]
}
JSON
  }
}

resource "aws_iam_role" "admin_role" {
  name               = "admin"
  assume_role_policy = <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": [
          "${aws_iam_role.hop1_role.arn}"
        ]
      }
    }
  ]
}
JSON
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}
