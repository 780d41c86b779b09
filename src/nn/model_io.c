/* Saving and loading a model's parameters as a 1-D .npy array. */
#include "nn/model_impl.h"
#include "core/status_impl.h"
#include "weyl/io.h"

weyl_status weyl_model_save(const weyl_model *m, const char *path) {
  if (!m || !path)
    return weyl_fail(WEYL_EINVAL, "weyl_model_save: NULL argument");
  return weyl_io_write_vector_npy(path, m->params, (size_t)m->nparams);
}

weyl_status weyl_model_load(weyl_model *m, const char *path) {
  if (!m || !path)
    return weyl_fail(WEYL_EINVAL, "weyl_model_load: NULL argument");
  weyl_status s = weyl_io_read_vector_npy(path, m->params, (size_t)m->nparams);
  return s == WEYL_OK ? weyl_model_sync(m) : s;
}
