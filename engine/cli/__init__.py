"""The `fazhi` command line: a thin layer over fazhi.app that parses options and maps errors to exit codes."""
