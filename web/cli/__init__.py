"""The `parcours` command (`principal.main`) and its sub-commands, one module per family."""
