# EKS Pod Identity: the association hands the role to pods of one service account. Its
# trust policy must allow pods.eks.amazonaws.com sts:AssumeRole and sts:TagSession.

resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}

# Trusts only the cluster's OIDC provider (IRSA): Pod Identity cannot assume it.
resource "aws_iam_role" "irsa_only" {
  name = "app"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }
    }]
  })
}

resource "aws_eks_pod_identity_association" "app" {
  cluster_name    = aws_eks_cluster.main.name
  namespace       = "app"
  service_account = "app"
  role_arn        = aws_iam_role.irsa_only.arn
}

# Trusts the service with sts:AssumeRole only: the session cannot be tagged.
resource "aws_iam_role" "no_tag_session" {
  name = "worker"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "pods.eks.amazonaws.com" }
    }]
  })
}

resource "aws_eks_pod_identity_association" "worker" {
  cluster_name    = "main"
  namespace       = "jobs"
  service_account = "worker"
  role_arn        = aws_iam_role.no_tag_session.arn
}
