/* Prints the layout of the public structs that examples/python/weyl.py
 * mirrors with ctypes, as "struct field offset" and "struct sizeof size"
 * lines; tests/test_python_module.py compares them with the ctypes classes,
 * so a field added on one side only fails a test instead of corrupting memory
 * in Python. */
#include <stddef.h>
#include <stdio.h>

#include "weyl/weyl.h"

#define FIELD(type, name) printf(#type " " #name " %zu\n", offsetof(type, name))
#define SIZE(type) printf(#type " sizeof %zu\n", sizeof(type))

int main(void) {
  FIELD(weyl_basis_opts, solver);
  FIELD(weyl_basis_opts, rtol);
  FIELD(weyl_basis_opts, max_bytes);
  FIELD(weyl_basis_opts, progress);
  FIELD(weyl_basis_opts, progress_ctx);
  SIZE(weyl_basis_opts);
  FIELD(weyl_basis_report, n_blocks);
  FIELD(weyl_basis_report, n_dense);
  FIELD(weyl_basis_report, n_orbit);
  FIELD(weyl_basis_report, min_gap);
  FIELD(weyl_basis_report, max_dropped);
  FIELD(weyl_basis_report, min_kept);
  FIELD(weyl_basis_report, seconds);
  FIELD(weyl_basis_report, n_iterative);
  FIELD(weyl_basis_report, n_stabiliser);
  FIELD(weyl_basis_report, n_isotypic);
  SIZE(weyl_basis_report);
  return 0;
}
