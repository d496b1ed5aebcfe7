"""`python -m grader`: the `grade` command, for an environment whose scripts are not on PATH."""

from grader.cli import main

if __name__ == "__main__":
    main()
