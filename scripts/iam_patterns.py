"""IAM action entries found in a tree of Terraform and CloudFormation files, for
scripts/check-iam-expand and scripts/bench-iam-expand."""

import os
import re

# A quoted or listed `service:Action` string; the ARN-like and URL-like ones are dropped.
ENTRY = re.compile(r"""["'\s\[,]([a-zA-Z0-9-]+:[A-Za-z0-9*?]+)["'\s\],]""")
NOT_SERVICES = {"arn", "http", "https", "aws", "AWS", "Fn", "resolve"}


def corpus_entries(corpus, wildcards_only=False):
    """Every distinct action entry in the files under `corpus`."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".terraform", "node_modules")]
        for name in sorted(filenames):
            if not name.endswith((".tf", ".json", ".yaml", ".yml", ".template")):
                continue
            try:
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            for m in ENTRY.finditer(text):
                p = m.group(1)
                svc, action = p.split(":", 1)
                if svc in NOT_SERVICES or svc.isdigit() or not action[:1].isalpha() and action[:1] not in "*?":
                    continue
                if wildcards_only and not any(c in p for c in "*?"):
                    continue
                found.add(p)
    return found


def corpus_patterns(corpus):
    """The entries with a wildcard."""
    return corpus_entries(corpus, wildcards_only=True)
