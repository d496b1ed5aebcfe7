"""The grading suites: trusted pytest files, one per exercise, run in the parent process."""
