"""Install the Python requirements of the Home Assistant integrations hearth's tests load.

Run with the hass venv's python (inside the rootfs). Walks
homeassistant/components/<domain>/manifest.json from the root domains (argv, comma or space
separated, plus the integrations HA's bootstrap always sets up), following `dependencies` and
`after_dependencies`, collects `requirements` and installs them constrained by HA's own
homeassistant/package_constraints.txt, so that `hass --skip-pip` finds everything.

    python ha_requirements.py [--dry-run] DOMAIN[,DOMAIN...] ...
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import homeassistant
from homeassistant import bootstrap

HA_DIR = pathlib.Path(homeassistant.__file__).parent
COMPONENTS = HA_DIR / "components"
CONSTRAINTS = HA_DIR / "package_constraints.txt"

# Sets of integrations that HA's bootstrap sets up without them being in configuration.yaml.
ALWAYS = (
    "CORE_INTEGRATIONS",
    "LOGGING_AND_HTTP_DEPS_INTEGRATIONS",
    "FRONTEND_INTEGRATIONS",
    "DEFAULT_INTEGRATIONS",
)


def roots_from(args: list[str]) -> set[str]:
    roots = {d.strip() for a in args for d in a.replace(",", " ").split() if d.strip()}
    for name in ALWAYS:
        roots |= set(getattr(bootstrap, name, ()))
    for _name, domains, _timeout in getattr(bootstrap, "STAGE_0_INTEGRATIONS", ()):
        if "recorder" not in domains and "debugpy" not in domains:
            roots |= set(domains)
    return roots


def walk(roots: set[str]) -> tuple[list[str], list[str], list[str]]:
    seen: set[str] = set()
    missing: list[str] = []
    reqs: list[str] = []
    todo = sorted(roots)
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest_path = COMPONENTS / domain / "manifest.json"
        if not manifest_path.is_file():
            missing.append(domain)
            continue
        manifest = json.loads(manifest_path.read_text())
        for req in manifest.get("requirements", []):
            if req not in reqs:
                reqs.append(req)
        for dep in manifest.get("dependencies", []) + manifest.get("after_dependencies", []):
            if dep not in seen:
                todo.append(dep)
    return sorted(seen), sorted(reqs), sorted(missing)


def main(argv: list[str]) -> int:
    dry_run = "--dry-run" in argv
    args = [a for a in argv if a != "--dry-run"]
    domains, reqs, missing = walk(roots_from(args))
    if missing:
        print(f"unknown integrations: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(f"{len(domains)} integrations: {' '.join(domains)}", file=sys.stderr)
    print(f"{len(reqs)} requirements:", file=sys.stderr)
    for req in reqs:
        print(f"  {req}", file=sys.stderr)
    if dry_run or not reqs:
        return 0
    uv = os.environ.get("HEARTH_UV") or shutil.which("uv")
    if uv:
        cmd = [uv, "pip", "install", "--python", sys.executable]
    else:
        cmd = [sys.executable, "-m", "pip", "install"]
    cmd += ["-c", str(CONSTRAINTS), *reqs]
    print("+ " + " ".join(cmd[:6]) + " ...", file=sys.stderr)
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
