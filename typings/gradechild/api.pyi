# What `from gradechild.api import ...` gives a pack's probes.py inside the sandbox: grader/sandbox/child/api.py.
from grader.sandbox.child.api import Binding as Binding
from grader.sandbox.child.api import Collaborator as Collaborator
from grader.sandbox.child.api import Context as Context
from grader.sandbox.child.api import ContractMismatch as ContractMismatch
from grader.sandbox.child.api import StudentError as StudentError
from grader.sandbox.child.api import build_expression as build_expression
from grader.sandbox.child.api import call_student as call_student
from grader.sandbox.child.api import collaborators as collaborators
from grader.sandbox.child.api import describe as describe
from grader.sandbox.child.api import merged_usage as merged_usage
from grader.sandbox.child.api import recording_usage as recording_usage
from grader.sandbox.child.api import student_function as student_function
from grader.sandbox.child.api import student_object as student_object
from grader.sandbox.child.api import substitute as substitute
from grader.sandbox.child.api import usage_when_run_eagerly as usage_when_run_eagerly
