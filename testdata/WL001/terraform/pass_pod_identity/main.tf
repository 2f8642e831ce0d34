# A Pod Identity role that trusts pods.eks.amazonaws.com with both actions.

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Principal = { Service = "pods.eks.amazonaws.com" }
    }]
  })
}

resource "aws_eks_pod_identity_association" "app" {
  cluster_name    = "main"
  namespace       = "app"
  service_account = "app"
  role_arn        = aws_iam_role.app.arn
}
