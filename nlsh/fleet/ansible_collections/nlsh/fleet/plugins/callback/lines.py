"""The stdout callback nlsh reads: one JSON line per event, flushed as it happens."""

from __future__ import annotations

DOCUMENTATION = r"""
name: lines
type: stdout
short_description: One JSON line per host result, for nlsh --hosts
description:
  - Writes one JSON object a line. When the play starts, event C(hosts) lists the hosts it
    matched; then, as each host's result arrives, event C(result) gives the host, its state
    (ok, failed, unreachable or skipped) and the module's result.
"""

import json
import sys

from ansible.plugins.callback import CallbackBase


def _host_and_result(result):
    host = getattr(result, "host", None) or result._host
    data = getattr(result, "result", None)
    if data is None:
        data = result._result
    return host.get_name(), data


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "nlsh.fleet.lines"

    def _emit(self, event):
        sys.stdout.write(json.dumps(event, default=str, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def v2_playbook_on_play_start(self, play):
        try:
            inventory = play.get_variable_manager()._inventory
            hosts = [h.get_name() for h in inventory.get_hosts(play.hosts)]
        except Exception:  # an ansible without these internals: hosts come with results
            hosts = None
        self._emit({"event": "hosts", "hosts": hosts})

    def _result(self, state, result):
        host, data = _host_and_result(result)
        self._emit({"event": "result", "host": host, "state": state, "result": dict(data)})

    def v2_runner_on_ok(self, result):
        self._result("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._result("unreachable", result)

    def v2_runner_on_skipped(self, result):
        self._result("skipped", result)

    def v2_playbook_on_no_hosts_matched(self):
        self._emit({"event": "hosts", "hosts": []})
