"""How Green Fork's data is made: seeded simulators of customers, orders, events, survey and CRM.

Learners load the data with :mod:`course_lib.datasets`; this sub-package is what writes it.
Instructors use it through ``python -m course_lib data`` to make a fresh world per cohort.
"""
