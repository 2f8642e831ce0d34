variable "http_tokens" {
  type = string
}

variable "hop_limit" {
  type    = number
  default = 1
}

resource "aws_launch_template" "app" {
  name = "app"

  metadata_options {
    http_tokens                 = var.http_tokens
    http_put_response_hop_limit = var.hop_limit
  }
}
