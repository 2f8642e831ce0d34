# PRIV005 failing case: the same generic verb list given a name that is not a service
# prefix ("dynamo" for "dynamodb"): no verb matches, the statement grants nothing.

locals {
  services = ["sqs", "dynamo"]
}

data "aws_iam_policy_document" "read_only" {
  dynamic "statement" {
    for_each = toset(local.services)

    content {
      sid = statement.value
      actions = [
        "${statement.value}:List*",
        "${statement.value}:Get*",
        "${statement.value}:View*",
      ]
      resources = ["*"]
    }
  }

  # An exact name is checked on its own, whatever its neighbours match.
  statement {
    sid       = "Head"
    actions   = ["s3:Get*", "s3:HeadObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
}

resource "aws_iam_policy" "read_only" {
  name   = "read-only"
  policy = data.aws_iam_policy_document.read_only.json
}
