"""Root pytest configuration.

Notebook kernels started by nbval inherit this environment. One BLAS thread: the book's matrix
products are tiny, and with two threads they slow down many-fold whenever the other core is busy,
which made notebook run times erratic. (It does not change any result.)
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
