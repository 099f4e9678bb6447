"""course_lib: the helper package of the customer segmentation and journey mapping course.

Reading guide
=============

Every function a lesson calls is plain pandas you can open and read. For each
lesson, the modules to open (``course_lib/<name>.py``), in the order the lesson
uses them:

====  ==========================  ===========================================================
 #    lesson                      open
====  ==========================  ===========================================================
00    welcome                     ``datasets`` (loaders), ``plots`` (the house style)
01    segmentation                ``customer_view``, ``segments`` (lifecycle, consent), ``rfm.order_values``
02    customer data               ``customer_view`` (one row per customer, data quality, NPS),
                                  ``validation`` (what every check says)
03    RFM                         ``rfm`` (table, scores, segment map), ``rfm_sql`` (the same in
                                  SQL), ``plots/rfm``; ``datasets.online_retail`` (a real export)
03b   RFM at scale (optional)     ``rfm_sql`` and ``journey_sql`` (the same tables as one SQL query,
                                  run in DuckDB or Spark)
04    clustering                  ``clustering`` (preparation, choosing k, profiles),
                                  ``plots/clustering``
05    vegetarian delivery         ``clustering`` (stability, agreement, personas)
06    customer journey            ``journey`` (sessions, funnels, paths, journey map),
                                  ``plots/journey``
07    segments to action          ``targeting`` (target lists, uplift), ``segments``, ``rfm``
08    capstone                    ``column_mapping`` (your own file's columns), ``refunds``
                                  (refunds netted against their sales), ``report``
09    customer lifetime value     ``clv`` (BG/NBD and Gamma-Gamma), ``rfm.clv_summary``,
                                  ``datasets.cdnow`` (the published CDNOW sample), ``plots/clv``
10    choosing targets and proof  ``targeting.segment_scorecard``, ``experiments`` (test size,
                                  break-even, uplift and ROI with intervals), ``uplift`` (two-model
                                  uplift, Qini), ``segments.migration``, ``plots/migration``
====  ==========================  ===========================================================

Layer map
=========

A module uses only the layers above it in this list; ``CONTRIBUTING.md`` has the rules.

1. ``validation`` - the shared input checks and their messages, ``resolve_as_of``
   (the day of an analysis), ``customer_ids`` (the id from a column or the index),
   and what keeps old calls working for one release with a ``FutureWarning``:
   ``renamed_parameters`` (old parameter names), ``return_flag`` (a tuple that
   becomes a ``return_*`` flag), ``with_old_attributes`` (a result object that
   becomes its main table). Uses nothing else of the kit.
2. ``datasets`` - ``loaders`` (what a lesson calls: ``load_orders``, ...), ``schema``
   (the tables, their columns and constants such as ``EVENTS``, ``LIKERT_ITEMS``,
   ``ORDER_STATUSES``), ``online_retail`` (the real UCI export, read and cleaned),
   ``cdnow`` (the CDNOW sample of the CLV literature);
   ``datasets/_generator/`` holds the seeded simulators that write the course data
   (instructors: ``python -m course_lib data --seed N``).
3. analysis - DataFrames in, DataFrames out; they never read files, draw or print:
   ``customer_view``, ``segments``, ``rfm``, ``rfm_sql``, ``clustering``, ``journey``, ``journey_sql``,
   ``targeting``, ``column_mapping``, ``refunds``, ``clv``, ``experiments``, ``uplift``. Behind them, ``_engine/`` (private) holds the fast paths that
   large tables need (``_engine/rfm``, ``_engine/journey``), each tested equal to
   the readable code in front.
4. presentation - ``plots/`` (figures: ``ax=None``, return the Axes), ``widgets``
   (explorers), ``report`` (the one-page report on a shop's own orders) with
   ``report_text`` (its words in English, Spanish and Portuguese).
5. teaching - ``checks/`` (the exercises' checks, one module per lesson).
6. ``kit/`` - the machinery a learner need not read: ``cli`` (``python -m course_lib
   ...``, the only module that prints), ``doctor``, ``exercise_build``,
   ``notebook_run``, ``notebook_audit``, ``kernel_probe``, ``grading`` (with ``answers``,
   ``evaluator``, ``gradebook``), ``release`` (the student copy), ``plan``, ``slides``.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The kit's top folder (notebooks/, datasets/, ... live here).
KIT_ROOT = Path(__file__).resolve().parent.parent
