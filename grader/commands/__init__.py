"""The `grade` commands: click decorators over the library, grouped by who runs them (`grader.cli` adds them)."""
