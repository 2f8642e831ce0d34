# PRIV003 passing cases: Resource "*" scoped by a condition instead of ARNs.

data "aws_iam_policy_document" "nodes" {
  # Resources created must carry the caller's cluster tag (attribute-based access control;
  # the resources do not exist yet, so no ARN can name them).
  statement {
    sid       = "Compute"
    actions   = ["ec2:RunInstances", "ec2:CreateLaunchTemplate"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/cluster"
      values   = ["$${aws:PrincipalTag/cluster}"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:RequestTag/pool"
      values   = ["*"]
    }
  }

  # Existing resources, by their tag.
  statement {
    sid       = "Terminate"
    actions   = ["ec2:TerminateInstances"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:ResourceTag/cluster"
      values   = ["payments"]
    }
  }

  # Only through an AWS service acting for the principal (forward access sessions).
  statement {
    sid       = "ViaDirectoryService"
    actions   = ["ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "aws:ViaAWSService"
      values   = ["true"]
    }
  }

  # One KMS key, named by its alias.
  statement {
    sid       = "EncryptWithReplicaKey"
    actions   = ["kms:Encrypt"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "kms:RequestAlias"
      values   = ["alias/replica"]
    }
  }
}

resource "aws_iam_policy" "nodes" {
  name   = "nodes"
  policy = data.aws_iam_policy_document.nodes.json
}
