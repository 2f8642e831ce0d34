# AWS's documented example keys are placeholders in every tutorial: not reported.
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

# An SSM parameter path of 40 secret-key characters: a path, not a key.
locals {
  encrypt_secrets_kms_key = "/controlplane/EKSEncryptSecretsKmsKeyArn"
}
