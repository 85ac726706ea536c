#ifndef MIGRATIONKIT_CLAPACK_SHIM_H
#define MIGRATIONKIT_CLAPACK_SHIM_H
// CBLAS as shipped by OpenBLAS (also declares openblas_get_corename & co.) and LAPACKE.
// Debian: libopenblas-dev (cblas.h) and liblapacke-dev (lapacke.h). libopenblas.so holds no
// LAPACKE_* symbols, so the module map links both libraries.
#include <cblas.h>
#include <lapacke.h>
#endif
