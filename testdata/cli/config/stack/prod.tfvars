http_tokens = "optional"
