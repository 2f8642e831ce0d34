resource "aws_iam_policy" "admin" {
  policy = file("${path.module}/policy.json")
}

# PRIV001 failing case: policies whose text is read from files. Each finding is reported
# at the statement in the file, with the file()/templatefile() call as a related location.
resource "aws_iam_policy" "templated" {
  policy = templatefile("${path.module}/policy.json.tpl", { resource = "*" })
}
