"""nlsh-tmux: an example nlsh plugin (``docs/plugins.md`` walks through it)."""
