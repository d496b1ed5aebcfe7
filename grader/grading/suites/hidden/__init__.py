"""Hidden tests: run by instructors and `grade batch`, never shipped in a student release."""
