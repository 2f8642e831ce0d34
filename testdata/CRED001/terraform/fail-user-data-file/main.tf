# CRED001 failing case: access keys written in the scripts an instance runs at boot, read
# with file() and templatefile(). The scripts are searched like the configuration, and the
# call that reads each is a related location.
resource "aws_instance" "web" {
  ami       = "ami-12345678"
  user_data = file("${path.module}/init.sh")
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_template" "workers" {
  user_data = base64encode(templatefile("${path.module}/workers.sh.tpl", { region = "eu-west-1" }))
  metadata_options {
    http_tokens = "required"
  }
}
