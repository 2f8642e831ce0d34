bucket = "prod-data"
