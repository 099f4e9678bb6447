"""course_lib: the helper package of the customer segmentation and journey mapping course.

Layers, bottom to top (a module uses only the layers below it):

1. ``validation`` - shared input checks and their messages;
2. ``datasets`` - generators and loaders of the course data;
3. analysis - ``customer_view``, ``rfm``, ``clustering``, ``journey``, ``targeting``:
   DataFrames in, DataFrames out; they never read files, draw or print;
4. presentation - ``plots`` and ``widgets``;
5. teaching - ``checks`` and the exercise build;
6. ``cli`` - ``python -m course_lib ...``, the only module that prints.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The kit's top folder (notebooks/, datasets/, ... live here).
KIT_ROOT = Path(__file__).resolve().parent.parent
