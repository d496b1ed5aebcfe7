"""Stage 1 of the pipeline: a submission (folder, zip, Classroom repository, notebook) → modules.

submission → **intake** → sandbox → plain data → grading → result → reporters. Everything
here reads untrusted files without running them: archives are checked before they are
unpacked, notebooks are parsed as JSON, and `modules` holds the one rule that says where a
submission's modules are.
"""
