"""Private fast paths of the analysis functions. Learners need not read this.

Each public analysis function reads as the pandas the lessons teach. Where that
pandas is too slow on a million rows, the work moves here, into numpy on integer
codes, and a property test shows both paths give the same result on random tables:

- :mod:`course_lib._engine.rfm` - :func:`course_lib.rfm.rfm_table` on large tables
  (``tests/test_engine.py``);
- :mod:`course_lib._engine.journey` - the event log sorted by journey and time, behind
  the funnels, paths and transitions of :mod:`course_lib.journey`.

Nothing here checks its input: the public functions do that first. Notebooks never
import from here.
"""
