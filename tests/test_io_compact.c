/* The compact formats, checked byte by byte in C (tests/test_compact.py reads
 * them with NumPy): labels agree with the dense elements and have Z(n)'s
 * circulant form; the .npz archives are valid zip files (end record, central
 * directory, local headers, CRC-32 recomputed bit by bit here) with the
 * members rep-format.md section 5 lists; coo holds every non-zero once; and
 * the refusals name the formats that work. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solved.h"
#include "weyl/io.h"

static solved solve(const char *group, const char *in, const char *out) {
  return solved_basis(group, in, out, NULL);
}

static unsigned char *render(const weyl_basis *b, weyl_io_format fmt, size_t *len,
                             weyl_status *status) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  weyl_io_basis io = {"G", "in", "out", b, NULL, NULL, 0};
  *status = weyl_io_write(f, fmt, &io);
  fclose(f);
  return (unsigned char *)buf;
}

static uint32_t le32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static unsigned le16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }

/* CRC-32 (zip), one bit at a time. */
static uint32_t crc32_bits(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

/* The data (after the .npy header) of a .npy blob, checking its dtype. */
static const unsigned char *npy_data(const unsigned char *npy, size_t len, const char *descr,
                                     size_t *data_len) {
  cr_assert(len >= 10 && memcmp(npy, "\x93NUMPY\x01\x00", 8) == 0);
  size_t h = 10 + le16(npy + 8);
  cr_assert_eq(h % 64, 0, "data aligned to 64 bytes");
  char dict[256] = {0};
  memcpy(dict, npy + 10, h - 10 < 255 ? h - 10 : 255);
  char want[32];
  snprintf(want, sizeof want, "'descr': '%s'", descr);
  cr_assert(strstr(dict, want), "%s in %s", want, dict);
  *data_len = len - h;
  return npy + h;
}

typedef struct {
  char name[64];
  const unsigned char *data; /* the member's bytes (an .npy file) */
  size_t len;
} member;

/* Reads an archive through its end record and central directory, checking
 * every local header and CRC. Returns the member count. */
static int read_zip(const unsigned char *z, size_t len, member *m, int cap) {
  cr_assert(len >= 22 && le32(z + len - 22) == 0x06054b50, "end record last");
  const unsigned char *e = z + len - 22;
  int n = (int)le16(e + 10);
  cr_assert(n <= cap);
  size_t at = le32(e + 16);
  for (int i = 0; i < n; i++) {
    const unsigned char *c = z + at;
    cr_assert_eq(le32(c), 0x02014b50u);
    cr_assert_eq(le16(c + 10), 0, "stored, not compressed");
    uint32_t crc = le32(c + 16), size = le32(c + 20);
    cr_assert_eq(size, le32(c + 24), "stored: sizes equal");
    unsigned name_len = le16(c + 28);
    const unsigned char *l = z + le32(c + 42);
    cr_assert_eq(le32(l), 0x04034b50u);
    cr_assert(memcmp(l + 30, c + 46, name_len) == 0, "local and central names agree");
    memcpy(m[i].name, c + 46, name_len < 63 ? name_len : 63);
    m[i].name[name_len < 63 ? name_len : 63] = '\0';
    m[i].data = l + 30 + le16(l + 26) + le16(l + 28);
    m[i].len = size;
    cr_assert_eq(crc32_bits(m[i].data, size), crc, "CRC of %s", m[i].name);
    at += 46 + name_len + le16(c + 30) + le16(c + 32);
  }
  return n;
}

Test(io_compact, labels_of_Zn_are_circulant_and_match_the_elements) {
  int sizes[] = {1, 4, 9};
  for (int t = 0; t < 3; t++) {
    int n = sizes[t];
    char group[16];
    snprintf(group, sizeof group, "Z(%d)", n);
    solved s = solve(group, "regular", "regular");
    size_t len, data_len;
    weyl_status st;
    unsigned char *buf = render(s.b, WEYL_IO_FORMAT_LABELS, &len, &st);
    cr_assert_eq(st, WEYL_OK, "%s", weyl_status_last_error());
    const unsigned char *d = npy_data(buf, len, "<i4", &data_len);
    cr_assert_eq(data_len, (size_t)4 * n * n);
    double *W = malloc(sizeof(double) * n * n);
    for (int k = 0; k < n; k++) {
      weyl_basis_element(s.b, k, W);
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          int32_t label = (int32_t)le32(d + 4 * (i * n + j));
          cr_assert_eq(label, ((j - i) % n + n) % n, "Z(%d) at (%d, %d)", n, i, j);
          cr_assert_eq(W[i * n + j], label == k ? 1.0 : 0.0);
        }
    }
    free(W);
    free(buf);
    solved_free(&s);
  }
}

/* Sum of squares of all elements, from the dense elements. */
static double dense_sum_squares(const weyl_basis *b, size_t *nnz) {
  size_t n = (size_t)weyl_basis_out_dim(b) * weyl_basis_in_dim(b);
  double *W = malloc(n * sizeof *W), sum = 0;
  *nnz = 0;
  for (int k = 0; k < weyl_basis_dim(b); k++) {
    weyl_basis_element(b, k, W);
    for (size_t e = 0; e < n; e++) sum += W[e] * W[e], *nnz += W[e] != 0;
  }
  free(W);
  return sum;
}

Test(io_compact, archives_are_valid_zips_with_the_documented_members) {
  const char *cases[][3] = {{"Z(6)", "V + 2*Scalar", "V + regular"},
                            {"SO(3)", "V**2 + Scalar", "V + 2*V**2"}};
  for (int c = 0; c < 2; c++) {
    solved s = solve(cases[c][0], cases[c][1], cases[c][2]);
    size_t len, nnz, data_len;
    weyl_status st;
    member m[64];
    unsigned char *coo = render(s.b, WEYL_IO_FORMAT_COO, &len, &st);
    cr_assert_eq(st, WEYL_OK, "%s", weyl_status_last_error());
    cr_assert_eq(read_zip(coo, len, m, 64), 5);
    const char *names[] = {"shape.npy", "element.npy", "row.npy", "col.npy", "value.npy"};
    for (int i = 0; i < 5; i++) cr_assert_str_eq(m[i].name, names[i]);
    double want = dense_sum_squares(s.b, &nnz), got = 0;
    const unsigned char *v = npy_data(m[4].data, m[4].len, "<f8", &data_len);
    cr_assert_eq(data_len, 8 * nnz, "every non-zero once");
    for (size_t i = 0; i < nnz; i++) {
      double x;
      memcpy(&x, v + 8 * i, 8);
      got += x * x;
    }
    cr_assert(fabs(got - want) <= 1e-12 * want, "%g vs %g", got, want);
    free(coo);

    unsigned char *fac = render(s.b, WEYL_IO_FORMAT_FACTORED, &len, &st);
    cr_assert_eq(st, WEYL_OK, "%s", weyl_status_last_error());
    int n = read_zip(fac, len, m, 64);
    cr_assert_eq(n, 3 + weyl_basis_nblocks(s.b));
    cr_assert_str_eq(m[0].name, "shape.npy");
    cr_assert_str_eq(m[1].name, "blocks.npy");
    cr_assert_str_eq(m[2].name, "places.npy");
    for (int i = 3; i < n; i++) {
      char want_name[32];
      snprintf(want_name, sizeof want_name, "block_%d.npy", i - 3);
      cr_assert_str_eq(m[i].name, want_name);
    }
    free(fac);
    solved_free(&s);
  }
}

Test(io_compact, refusals_name_the_formats_that_work) {
  solved s = solve("SO(3)", "V", "V");
  size_t len;
  weyl_status st;
  free(render(s.b, WEYL_IO_FORMAT_LABELS, &len, &st));
  cr_assert_eq(st, WEYL_EINVAL);
  cr_assert(strstr(weyl_status_last_error(), "the coo and factored formats hold any basis"), "%s",
            weyl_status_last_error());
  cr_assert_eq(len, 0, "nothing written");
  solved_free(&s);
  s = solve("Z(1024)", "regular", "regular");
  free(render(s.b, WEYL_IO_FORMAT_NPY, &len, &st));
  cr_assert_eq(st, WEYL_ELIMIT);
  cr_assert(strstr(weyl_status_last_error(), "the labels, coo or factored format holds it"), "%s",
            weyl_status_last_error());
  cr_assert(!strstr(weyl_status_last_error(), "--"), "no flags in library messages");
  cr_assert_eq(len, 0, "nothing written");
  solved_free(&s);
}
