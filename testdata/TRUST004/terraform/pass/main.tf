resource "aws_rolesanywhere_trust_anchor" "ci" {
  name = "ci"
  source {
    source_type = "CERTIFICATE_BUNDLE"
    source_data {
      x509_certificate_data = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----"
    }
  }
}

# Scoped to one certificate subject and one trust anchor.
resource "aws_iam_role" "anywhere" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
      Principal = { Service = "rolesanywhere.amazonaws.com" }
      Condition = {
        StringEquals = { "aws:PrincipalTag/x509Subject/CN" = "build-server.example.com" }
        ArnEquals    = { "aws:SourceArn" = aws_rolesanywhere_trust_anchor.ci.arn }
      }
    }]
  })
}
