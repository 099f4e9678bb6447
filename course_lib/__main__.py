"""``python -m course_lib ...``: see :mod:`course_lib.kit.cli`."""

import sys

from course_lib.kit.cli import main

sys.exit(main())
