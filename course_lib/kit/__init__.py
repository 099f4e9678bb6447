"""The kit's machinery: what runs the course, not what it teaches.

A learner never needs to open these modules. They hold the command line (``cli``), the
installation check (``doctor``), the exercise build from ``solutions/`` (``exercise_build``),
notebook runs (``notebook_run``), grading of submissions (``grading``), the class plan from the
lessons' timings (``plan``) and the slide decks (``slides``).
"""
