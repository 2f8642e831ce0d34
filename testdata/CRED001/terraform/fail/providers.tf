# Keys in the provider block: a file with no resources is searched too.
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIA2E0A8F3B244C9986"
  secret_key = "Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8"
}
