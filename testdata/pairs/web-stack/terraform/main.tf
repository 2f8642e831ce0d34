# The same stack as ../cloudformation/template.yaml: each resource name here is the
# snake_case form of its logical ID there (tests/pairs.rs checks both give the same findings).

resource "aws_iam_role" "web_role" {
  name = "web"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_instance_profile" "web_profile" {
  role = aws_iam_role.web_role.name
}

resource "aws_launch_template" "web_template" {
  iam_instance_profile {
    arn = aws_iam_instance_profile.web_profile.arn
  }
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_instance" "bastion" {
  ami                  = "ami-0123456789abcdef0"
  iam_instance_profile = aws_iam_instance_profile.web_profile.name
}

resource "aws_iam_role" "api_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_task_definition" "api_task" {
  family                = "api"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.api_role.arn
  execution_role_arn    = aws_iam_role.api_role.arn
}

resource "aws_iam_role" "worker_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# A customer-managed policy no one should ship: one statement per PRIV rule.
resource "aws_iam_policy" "legacy_ops" {
  name = "legacy-ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::web-assets" },
      { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" },
      { Effect = "Allow", NotAction = "iam:*", Resource = "arn:aws:s3:::web-assets/*" },
      { Effect = "Allow", Action = "s3:GetObjekt", Resource = "arn:aws:s3:::web-assets/*" },
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" },
    ]
  })
}

# A function that runs as an administrator (WL003).
resource "aws_iam_role" "admin_fn_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_lambda_function" "admin_fn" {
  function_name = "admin-fn"
  role          = aws_iam_role.admin_fn_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# An operators' role no workload uses, with PowerUserAccess (PRIV008).
resource "aws_iam_role" "ops_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

# A function whose two inline policies together pass any role to a new function (WL004).
resource "aws_iam_role" "deployer_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  inline_policy {
    name = "pass"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
    })
  }
  inline_policy {
    name = "launch"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "lambda:CreateFunction", Resource = "*" }]
    })
  }
}

resource "aws_lambda_function" "deployer" {
  function_name = "deployer"
  role          = aws_iam_role.deployer_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
}

# A policy that lets its holder rewrite any managed policy (PRIV007).
resource "aws_iam_policy" "ci_escalation" {
  name = "ci-escalation"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iam:CreatePolicyVersion", Resource = "*" }]
  })
}

# A task whose execution role also reads every bucket (ECS002).
resource "aws_iam_role" "jobs_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role" "jobs_exec_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
  ]
}

resource "aws_ecs_task_definition" "jobs_task" {
  family                = "jobs"
  container_definitions = "[]"
  task_role_arn         = aws_iam_role.jobs_role.arn
  execution_role_arn    = aws_iam_role.jobs_exec_role.arn
}

# EKS nodes whose role can also read every queue (EKS001).
resource "aws_iam_role" "node_role" {
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

resource "aws_eks_node_group" "nodes" {
  cluster_name    = "main"
  node_group_name = "nodes"
  node_role_arn   = aws_iam_role.node_role.arn
  subnet_ids      = ["subnet-0123456789abcdef0"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

# A policy on a service-linked role (SLR001).
resource "aws_iam_service_linked_role" "es_linked" {
  aws_service_name = "opensearchservice.amazonaws.com"
}

resource "aws_iam_role_policy" "es_linked_extra" {
  role = aws_iam_service_linked_role.es_linked.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "arn:aws:logs:*:*:log-group:es" }]
  })
}

# Anyone may assume it (TRUST001); a vendor without an external ID (TRUST002).
resource "aws_iam_role" "open_role" {
  assume_role_policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::444455556666:root" } },
    ]
  })
}

# GitHub OIDC with only the audience (TRUST003).
resource "aws_iam_role" "github_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
}

# Roles Anywhere with no certificate condition (TRUST004).
resource "aws_iam_role" "anywhere_role" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Principal = { Service = "rolesanywhere.amazonaws.com" }
    }]
  })
}

# A public permission (LAMBDA001), an S3 permission without source (LAMBDA002), a public
# URL (LAMBDA003), a key in the environment (CRED001); the worker's role is shared (WL002).
resource "aws_lambda_function" "hooks" {
  function_name = "hooks"
  role          = aws_iam_role.worker_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      LEGACY_KEY_ID = "AKIA2E0A8F3B244C9986"
    }
  }
}

resource "aws_lambda_permission" "hooks_public" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hooks.function_name
  principal     = "*"
}

resource "aws_lambda_permission" "hooks_s3" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hooks.function_name
  principal     = "s3.amazonaws.com"
}

resource "aws_lambda_function_url" "hooks_url" {
  function_name      = aws_lambda_function.hooks.function_name
  authorization_type = "NONE"
}

# A user with a key (CRED002) and a policy of its own (CRED003).
resource "aws_iam_user" "legacy_user" {
  name = "legacy"
}

resource "aws_iam_access_key" "legacy_key" {
  user = aws_iam_user.legacy_user.name
}

resource "aws_iam_user_policy" "legacy_user_policy" {
  user = aws_iam_user.legacy_user.name
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::web-assets/*" }]
  })
}

# TRUST005: a Service principal without its domain.
resource "aws_iam_role" "scheduler_role" {
  name = "scheduler"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "scheduler" } }]
  })
}
