# Step Functions accepts its service principal in a regional form: literal, and built from
# a variable (known and not known).
variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "other_region" {
  type = string
}

resource "aws_iam_role" "literal" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.eu-west-1.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "from_default" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.${var.region}.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "from_unknown" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.${var.other_region}.amazonaws.com" } }]
  })
}

resource "aws_sfn_state_machine" "literal" {
  name       = "literal"
  role_arn   = aws_iam_role.literal.arn
  definition = "{}"
}

resource "aws_sfn_state_machine" "from_default" {
  name       = "from-default"
  role_arn   = aws_iam_role.from_default.arn
  definition = "{}"
}

resource "aws_sfn_state_machine" "from_unknown" {
  name       = "from-unknown"
  role_arn   = aws_iam_role.from_unknown.arn
  definition = "{}"
}
