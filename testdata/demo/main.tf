# rolegraph demo: a small web stack with the credential problems rolegraph looks for.
#   cargo run --release -- scan testdata/demo

variable "environment" {
  type    = string
  default = "demo"
}

locals {
  name = "shop-${var.environment}"
}

# --- EC2: web servers launched from a template -------------------------------------------

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "web" {
  name               = "${local.name}-web"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_instance_profile" "web" {
  name = "${local.name}-web"
  role = aws_iam_role.web.name
}

resource "aws_launch_template" "web" {
  name_prefix   = "${local.name}-web-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"

  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_autoscaling_group" "web" {
  name     = "${local.name}-web"
  min_size = 2
  max_size = 6

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}

# A bastion host with the same profile and no metadata options at all.
resource "aws_instance" "bastion" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.web.name
}

# --- ECS: the API service ------------------------------------------------------------------

resource "aws_iam_role" "api" {
  name = "${local.name}-api"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_task_definition" "api" {
  family             = "${local.name}-api"
  task_role_arn      = aws_iam_role.api.arn
  execution_role_arn = aws_iam_role.api.arn
  container_definitions = jsonencode([{
    name  = "api"
    image = "public.ecr.aws/nginx/nginx:stable"
  }])
}

# --- Lambda: a worker whose role was copied from the EC2 one -------------------------------

resource "aws_iam_role" "worker" {
  name               = "${local.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_lambda_function" "worker" {
  function_name = "${local.name}-worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "worker.handler"
  filename      = "worker.zip"
}
