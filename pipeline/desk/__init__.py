"""The editors' desk: a web app over the same workflow, ledger and renderers as the CLI."""
