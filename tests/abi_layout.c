/* Prints the layout of the public structs that src/python/weyl/_lib.py
 * mirrors with ctypes, as "struct field offset" and "struct sizeof size"
 * lines; tests/python/test_core.py compares them with the ctypes classes,
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
  FIELD(weyl_rng, s);
  SIZE(weyl_rng);
  FIELD(weyl_model_opts, channels);
  FIELD(weyl_model_opts, n_hidden);
  FIELD(weyl_model_opts, act);
  FIELD(weyl_model_opts, kind);
  FIELD(weyl_model_opts, residual);
  FIELD(weyl_model_opts, bilinear);
  FIELD(weyl_model_opts, bilinear_blocks);
  FIELD(weyl_model_opts, solve);
  FIELD(weyl_model_opts, bilinear_kind);
  SIZE(weyl_model_opts);
  FIELD(weyl_cache_report, loaded);
  FIELD(weyl_cache_report, stored);
  FIELD(weyl_cache_report, rejected);
  FIELD(weyl_cache_report, seconds);
  FIELD(weyl_cache_report, path);
  FIELD(weyl_cache_report, warning);
  SIZE(weyl_cache_report);
  return 0;
}
