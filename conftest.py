"""Settings for every test run, the notebooks' kernels included (they inherit this environment).

One BLAS/OpenMP thread per process: the suite runs two pytest workers on two cores, and k-means
with a thread per core in each worker's kernel oversubscribes them (measured up to 100x slower).
The same setting is used when stored outputs are made (`python -m course_lib refresh`), so the
last digits of floating-point results agree.
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
