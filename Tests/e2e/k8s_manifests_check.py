#!/usr/bin/env python3
"""Validate Kubernetes manifests generated into the GitOps repo.

Usage: k8s_manifests_check.py FILE...

Every YAML document that has a `kind` is checked. Built-in kinds are validated strictly
against the Kubernetes OpenAPI schemas shipped with kubernetes-validate; the CRDs the
platform uses (CNPG, External Secrets, Backstage, Traefik) are checked for their required
fields, since their schemas are not bundled. `.json` files must parse as JSON.
Exits 1 and prints one line per problem on any failure.
"""
import json
import sys

import yaml

try:
    import kubernetes_validate
except ImportError:  # the CRD checks still run; built-in kinds are reported as unchecked
    kubernetes_validate = None

# (apiVersion prefix, kind) -> dotted paths that must be present and non-empty under the document.
CRD_REQUIRED = {
    ("postgresql.cnpg.io/", "Cluster"): ["spec.instances"],
    ("postgresql.cnpg.io/", "Database"): ["spec.name", "spec.owner", "spec.cluster.name"],
    ("external-secrets.io/", "ExternalSecret"): ["spec.secretStoreRef.name", "spec.target.name"],
    ("external-secrets.io/", "SecretStore"): ["spec.provider"],
    ("external-secrets.io/", "ClusterSecretStore"): ["spec.provider"],
    ("backstage.io/", "Component"): ["spec.type", "spec.lifecycle", "spec.owner"],
    ("traefik.io/", "Middleware"): [],
    ("traefik.containo.us/", "Middleware"): [],
}

CRD_EXTRA_CHECKS = {}


def lookup(doc, path):
    node = doc
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def check_external_secret(doc):
    problems = []
    for i, item in enumerate(lookup(doc, "spec.data") or []):
        if not lookup(item, "secretKey") or not lookup(item, "remoteRef.key"):
            problems.append(f"spec.data[{i}] needs secretKey and remoteRef.key")
    if not lookup(doc, "spec.data") and not lookup(doc, "spec.dataFrom"):
        problems.append("spec.data or spec.dataFrom is required")
    return problems


def check_middleware(doc):
    spec = lookup(doc, "spec") or {}
    if not isinstance(spec, dict) or not spec:
        return ["spec must name one middleware type"]
    forward = spec.get("forwardAuth")
    if forward is not None and not lookup(forward, "address"):
        return ["spec.forwardAuth.address is required"]
    return []


def check_cnpg_database(doc):
    policy = lookup(doc, "spec.databaseReclaimPolicy")
    if policy is not None and policy not in ("retain", "delete"):
        return [f"spec.databaseReclaimPolicy {policy!r} is not retain|delete"]
    return []


CRD_EXTRA_CHECKS[("external-secrets.io/", "ExternalSecret")] = check_external_secret
CRD_EXTRA_CHECKS[("traefik.io/", "Middleware")] = check_middleware
CRD_EXTRA_CHECKS[("traefik.containo.us/", "Middleware")] = check_middleware
CRD_EXTRA_CHECKS[("postgresql.cnpg.io/", "Database")] = check_cnpg_database


def crd_key(doc):
    api, kind = str(doc.get("apiVersion", "")), doc.get("kind")
    for prefix, crd_kind in CRD_REQUIRED:
        if api.startswith(prefix) and kind == crd_kind:
            return (prefix, crd_kind)
    return None


def is_builtin(api_version):
    group = api_version.split("/")[0] if "/" in api_version else ""
    return group == "" or not "." in group or group.endswith(".k8s.io")


def check_document(doc, where, version):
    problems = []
    for field in ("apiVersion", "kind"):
        if not doc.get(field):
            problems.append(f"{where}: missing {field}")
    if not lookup(doc, "metadata.name"):
        problems.append(f"{where}: missing metadata.name")
    if problems:
        return problems
    key = crd_key(doc)
    if key is not None:
        if "spec" not in doc or not isinstance(doc["spec"], dict):
            return [f"{where}: {doc['kind']} needs a spec mapping"]
        for path in CRD_REQUIRED[key]:
            value = lookup(doc, path)
            if value is None or value == "" or value == []:
                problems.append(f"{where}: {doc['kind']} is missing required {path}")
        extra = CRD_EXTRA_CHECKS.get(key)
        if extra:
            problems.extend(f"{where}: {p}" for p in extra(doc))
        return problems
    if not is_builtin(str(doc["apiVersion"])):
        return [f"{where}: unknown custom kind {doc['apiVersion']}/{doc['kind']} (no schema, no required-field rules)"]
    if kubernetes_validate is None:
        return [f"{where}: kubernetes-validate is not installed; cannot check built-in {doc['kind']}"]
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path)
        problems.append(f"{where}: {doc['kind']} {path}: {error.message}")
    except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
        problems.append(f"{where}: {doc['kind']}: {error}")
    return problems


def check_file(path, version):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        return [f"{path}: {error}"], 0
    if path.endswith(".json"):
        try:
            json.loads(text)
        except ValueError as error:
            return [f"{path}: invalid JSON: {error}"], 0
        return [], 0
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        return [f"{path}: invalid YAML: {error}"], 0
    problems, checked = [], 0
    for index, doc in enumerate(documents):
        if not isinstance(doc, dict) or "kind" not in doc:
            continue
        checked += 1
        problems.extend(check_document(doc, f"{path}#{index}", version))
    return problems, checked


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    version = kubernetes_validate.latest_version() if kubernetes_validate else ""
    problems, checked = [], 0
    for path in argv[1:]:
        file_problems, file_checked = check_file(path, version)
        problems.extend(file_problems)
        checked += file_checked
    for problem in problems:
        print(problem)
    print(f"checked {checked} manifest(s) in {len(argv) - 1} file(s): {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
