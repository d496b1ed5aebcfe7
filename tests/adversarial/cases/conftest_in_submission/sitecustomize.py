import builtins
builtins.__grading_hacked__ = True
