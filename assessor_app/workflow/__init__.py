"""The top of the core: operations that span several packages (the sign-off workflow) and the
start-up wiring of the core's listeners. Nothing below imports this package."""
