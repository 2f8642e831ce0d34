# PRIV006 passing cases.

resource "aws_iam_policy" "fine" {
  name = "fine"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Scoped to one secret and one key.
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
      # Listing is not reading contents.
      { Effect = "Allow", Action = ["s3:ListAllMyBuckets", "secretsmanager:ListSecrets"], Resource = "*" },
      # A whole service is PRIV002's case.
      { Effect = "Allow", Action = "s3:*", Resource = "*" },
      # Deny.
      { Effect = "Deny", Action = "s3:GetObject", Resource = "*" },
    ]
  })
}
