# A node role that also writes to a bucket, on nodes whose launch template leaves IMDSv1 on
# (high).
resource "aws_iam_role" "nodes" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  ]
}

resource "aws_iam_role_policy" "nodes_uploads" {
  role = aws_iam_role.nodes.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject", "s3:GetObject"], Resource = "arn:aws:s3:::uploads/*" }]
  })
}

resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_eks_node_group" "main" {
  cluster_name    = "main"
  node_group_name = "main"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = ["subnet-0123456789abcdef0"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

# A second node group with extra permissions but a locked-down default: medium.
resource "aws_iam_role" "batch_nodes" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
  ]
}

resource "aws_eks_node_group" "batch" {
  cluster_name    = "main"
  node_group_name = "batch"
  node_role_arn   = aws_iam_role.batch_nodes.arn
  subnet_ids      = ["subnet-0123456789abcdef0"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
