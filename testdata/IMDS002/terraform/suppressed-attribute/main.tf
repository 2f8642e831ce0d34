# IMDS002 suppressed on the attribute it is about.

resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"

  metadata_options {
    http_tokens = "required"
    // rolegraph:ignore IMDS002 -- pods on these nodes read the node role on purpose
    http_put_response_hop_limit = 2
  }
}
