# A function in a VPC that reads a queue, with a role that only writes logs.
resource "aws_iam_role" "worker" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  vpc_config {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
}

# A task whose containers inject a secret and pull a private image; its execution role can
# only write logs.
resource "aws_iam_role" "exec" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  inline_policy {
    name = "logs"
    policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }]
    })
  }
}

resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name  = "api"
    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2"
    secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    logConfiguration = {
      logDriver = "awslogs"
      options   = { awslogs-group = "/ecs/api", awslogs-region = "eu-west-1", awslogs-stream-prefix = "api" }
    }
  }])
}
