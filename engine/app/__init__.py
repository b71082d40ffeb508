"""The application layer: use cases that the CLI and the web app both call. They never print and never exit."""
