#!/usr/bin/python
"""The nlsh Ansible module: one nlsh request on this host (nlsh.fleet.host)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: nlsh
short_description: Plan, or carry out, an nlsh request on this host
description:
  - Runs C(python -m nlsh.fleet.host) with the host's own Python and nlsh, which plans the
    frame (intent, slots, operators) against this host's processes and files under this
    host's policy, or carries out the steps the user confirmed, re-checking their identity.
  - Used by C(nlsh --hosts PATTERN); the request is base64-encoded JSON.
options:
  request:
    description: The request (base64 of JSON), see nlsh/fleet/host.py.
    type: str
    required: true
  python:
    description: The Python that has nlsh installed (default, the module's own).
    type: str
"""

import base64
import json
import subprocess
import sys

from ansible.module_utils.basic import AnsibleModule

NO_NLSH = ("No module named 'nlsh'", "No module named 'nlsh.", "No module named nlsh")


def main():
    module = AnsibleModule(argument_spec={"request": {"type": "str", "required": True},
                                          "python": {"type": "str"}},
                           supports_check_mode=False)
    python = module.params["python"] or sys.executable
    try:
        request = base64.b64decode(module.params["request"], validate=True)
    except ValueError as error:
        module.fail_json(msg=f"bad request: {error}", nlsh_reason="bad-request")
    try:
        done = subprocess.run([python, "-m", "nlsh.fleet.host"], input=request,
                              capture_output=True, check=False)
    except OSError as error:
        module.fail_json(msg=f"nlsh is not installed on this host (cannot run {python}: "
                             f"{error.strerror})", nlsh_reason="no-nlsh")
    errors = done.stderr.decode("utf-8", "replace").strip()
    if any(words in errors for words in NO_NLSH):
        module.fail_json(msg=f"nlsh is not installed on this host (not importable by "
                             f"{python})", nlsh_reason="no-nlsh")
    try:
        reply = json.loads(done.stdout.decode("utf-8", "replace"))
    except ValueError:
        last = errors.splitlines()[-1] if errors else f"exit status {done.returncode}"
        module.fail_json(msg=f"nlsh on this host failed: {last}", nlsh_reason="failed")
    if "error" in reply:
        module.fail_json(msg=reply["error"], nlsh_reason="failed")
    outcome = reply.get("response", {}).get("outcome") or {}
    changed = any(step.get("status") == "done" for step in outcome.get("steps", ()))
    module.exit_json(changed=changed, nlsh=reply)


if __name__ == "__main__":
    main()
