# Any certificate from any trust anchor of the account.
resource "aws_iam_role" "anywhere" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
      Principal = { Service = "rolesanywhere.amazonaws.com" }
    }]
  })
}
