http_tokens = "optional"
hop_limit   = 3
