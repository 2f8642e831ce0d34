# PRIV005 passing case: one list of read verbs written for many services. Some verbs do not
# exist in some services (acm has no View*, health no List* or Get*), but another verb of
# the same service in the statement matches, so the statement grants what it meant to.

locals {
  services = ["acm", "health", "sqs"]
}

data "aws_iam_policy_document" "read_only" {
  dynamic "statement" {
    for_each = toset(local.services)

    content {
      sid = statement.value
      actions = [
        "${statement.value}:List*",
        "${statement.value}:Get*",
        "${statement.value}:Describe*",
        "${statement.value}:View*",
      ]
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "read_only" {
  name   = "read-only"
  policy = data.aws_iam_policy_document.read_only.json
}
