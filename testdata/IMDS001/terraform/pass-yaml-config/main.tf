# IMDS001 passing case: runner configurations loaded from YAML files (see fail-yaml-config);
# every YAML requires IMDSv2 tokens.

locals {
  runners = {
    for f in fileset("${path.module}/runners", "*.yaml") :
    trimsuffix(f, ".yaml") => yamldecode(file("${path.module}/runners/${f}"))
  }
}

resource "aws_launch_template" "runner" {
  for_each = local.runners

  name_prefix   = "${each.key}-"
  instance_type = each.value.instance_type

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = each.value.http_tokens
    http_put_response_hop_limit = 1
  }
}
