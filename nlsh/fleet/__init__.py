"""nlsh across many hosts, through Ansible (``nlsh --hosts PATTERN``; docs/fleet.md).

The sentence is understood once, here; the *frame* (intent, slots, operators) goes to every
host the pattern matches, where the host's own nlsh plans it against its own processes and
files (``nlsh.fleet.host``), under its own policy. Ansible carries it there and back: its
inventory, patterns, connections, forks, timeouts and become, as the user configured them.
nlsh writes no SSH code of its own.

* ``frame``: a reading as JSON, and the identity of a step across the wire.
* ``host``: what runs on each host (``python -m nlsh.fleet.host``).
* ``ansible``: one ansible-playbook run, its results host by host.
* ``rows``: what became of each host, as one row.
* ``view``: tables for people, one JSON object per host for programs.
* ``command``: the flow of ``nlsh --hosts``.
* ``session``: each line in the light of the earlier ones ("kill the biggest on web2", "undo").
* ``narrow``: host names in a sentence, which only narrow the hosts ``--hosts`` matched.
"""
