/* The .npy header and byte order shared by every NumPy writer, and .npz
 * archives as numpy.savez writes them: a zip file whose members are
 * .npy files, stored without compression. Members are streamed: the local
 * header carries general-purpose flag bit 3, so its CRC-32 and sizes follow
 * the data in a data descriptor and are repeated in the central directory
 * (zip APPNOTE 4.3.9), which is what numpy's reader (Python's zipfile) uses.
 * So the archive can go to a pipe, and nothing is held in memory but the
 * member list. */
#define _POSIX_C_SOURCE 200809L /* locale_t in io/io_impl.h */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_impl.h"
#include "core/status_impl.h"

enum { NAME_CAP = 64 };

/* ---- .npy pieces (also used by io.c and io_compact.c) ---- */

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 1;
}

void weyl_io_to_little_endian(void *x, size_t n, size_t width) {
  if (host_is_little_endian()) return;
  unsigned char *p = x;
  for (size_t i = 0; i < n; i++, p += width)
    for (size_t j = 0; j < width / 2; j++) {
      unsigned char c = p[j];
      p[j] = p[width - 1 - j];
      p[width - 1 - j] = c;
    }
}

/* Magic, version 1.0, little-endian header length, then the dict padded with
 * spaces and ended by '\n' so that magic + length + dict is a multiple of 64. */
int weyl_io_npy_header(char buf[WEYL_IO_NPY_HEADER_CAP], const char *descr, const char *shape) {
  char dict[160];
  int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                   descr, shape);
  int total = 10 + n + 1;
  int pad = (64 - total % 64) % 64;
  int hlen = n + pad + 1;
  memcpy(buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = (char)(hlen & 0xff);
  buf[9] = (char)((hlen >> 8) & 0xff);
  memcpy(buf + 10, dict, (size_t)n);
  memset(buf + 10 + n, ' ', (size_t)pad);
  buf[10 + n + pad] = '\n';
  return 10 + hlen;
}

/* ---- .npz ---- */

typedef struct {
  char name[NAME_CAP];
  uint32_t crc, size, offset;
} member;

struct weyl_npz {
  FILE *f;
  uint64_t offset;     /* bytes of the archive written so far */
  uint32_t table[256]; /* CRC-32 (IEEE, reflected), per archive: no shared state */
  uint32_t crc;        /* of the current member, running */
  uint64_t size, start;
  member *members;
  int n, cap;
  weyl_status s; /* the first failure; later calls do nothing */
};

static void crc_table(uint32_t t[256]) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
}

static void raw(weyl_npz *z, const void *p, size_t n) {
  if (z->s) return;
  if (fwrite(p, 1, n, z->f) != n) z->s = weyl_fail(WEYL_EIO, "write failed: %s", strerror(errno));
  z->offset += n;
  if (z->offset > WEYL_IO_NPZ_MAX_BYTES && !z->s)
    z->s = weyl_fail(WEYL_ELIMIT, "an .npz archive over 4 GiB needs zip64, which is not written");
}

/* Little-endian fields of the zip headers. */
static void u16(unsigned char **p, unsigned v) {
  (*p)[0] = v & 0xff, (*p)[1] = (v >> 8) & 0xff;
  *p += 2;
}
static void u32(unsigned char **p, uint32_t v) {
  for (int i = 0; i < 4; i++) (*p)[i] = (v >> (8 * i)) & 0xff;
  *p += 4;
}

weyl_npz *weyl_npz_open(FILE *f) {
  weyl_npz *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  z->f = f;
  crc_table(z->table);
  return z;
}

/* Version 2.0, flag bit 3, method 0 (stored), time 00:00, date 1980-01-01. */
static void common_fields(unsigned char **p) {
  u16(p, 20), u16(p, 8), u16(p, 0), u16(p, 0), u16(p, 33);
}

void weyl_npz_begin(weyl_npz *z, const char *name, const char *descr, const char *shape) {
  if (z->s) return;
  if (z->n == z->cap) {
    int cap = z->cap ? 2 * z->cap : 16;
    member *m = realloc(z->members, (size_t)cap * sizeof *m);
    if (!m) {
      z->s = weyl_fail(WEYL_ENOMEM, "out of memory writing an .npz archive");
      return;
    }
    z->members = m, z->cap = cap;
  }
  member *m = &z->members[z->n];
  snprintf(m->name, NAME_CAP, "%s.npy", name);
  size_t len = strlen(m->name);
  unsigned char h[30], *p = h;
  u32(&p, 0x04034b50);
  common_fields(&p);
  u32(&p, 0), u32(&p, 0), u32(&p, 0); /* crc and sizes: in the data descriptor */
  u16(&p, (unsigned)len), u16(&p, 0);
  m->offset = (uint32_t)z->offset;
  raw(z, h, sizeof h);
  raw(z, m->name, len);
  z->crc = 0xFFFFFFFFu;
  z->size = 0;
  char npy[WEYL_IO_NPY_HEADER_CAP];
  int n = weyl_io_npy_header(npy, descr, shape);
  weyl_npz_put(z, npy, (size_t)n);
}

void weyl_npz_put(weyl_npz *z, const void *data, size_t n) {
  if (z->s) return;
  const unsigned char *p = data;
  uint32_t c = z->crc;
  for (size_t i = 0; i < n; i++) c = z->table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  z->crc = c;
  z->size += n;
  raw(z, data, n);
}

void weyl_npz_end(weyl_npz *z) {
  if (z->s) return;
  member *m = &z->members[z->n++];
  m->crc = z->crc ^ 0xFFFFFFFFu;
  m->size = (uint32_t)z->size;
  unsigned char d[16], *p = d;
  u32(&p, 0x08074b50), u32(&p, m->crc), u32(&p, m->size), u32(&p, m->size);
  raw(z, d, sizeof d);
}

static void central_directory(weyl_npz *z) {
  uint64_t start = z->offset;
  for (int i = 0; i < z->n; i++) {
    const member *m = &z->members[i];
    size_t len = strlen(m->name);
    unsigned char h[46], *p = h;
    u32(&p, 0x02014b50);
    u16(&p, 20); /* made by: version 2.0, MS-DOS attributes */
    common_fields(&p);
    u32(&p, m->crc), u32(&p, m->size), u32(&p, m->size);
    u16(&p, (unsigned)len), u16(&p, 0), u16(&p, 0), u16(&p, 0), u16(&p, 0);
    u32(&p, 0), u32(&p, m->offset);
    raw(z, h, sizeof h);
    raw(z, m->name, len);
  }
  unsigned char e[22], *p = e;
  u32(&p, 0x06054b50);
  u16(&p, 0), u16(&p, 0), u16(&p, (unsigned)z->n), u16(&p, (unsigned)z->n);
  u32(&p, (uint32_t)(z->offset - start)), u32(&p, (uint32_t)start);
  u16(&p, 0);
  raw(z, e, sizeof e);
}

weyl_status weyl_npz_close(weyl_npz *z) {
  if (!z) return weyl_fail(WEYL_ENOMEM, "out of memory writing an .npz archive");
  if (z->n > 0xFFFF && !z->s) z->s = weyl_fail(WEYL_ELIMIT, "more than 65535 .npz members");
  if (!z->s) central_directory(z);
  weyl_status s = z->s;
  weyl_npz_abandon(z);
  return s;
}

void weyl_npz_abandon(weyl_npz *z) {
  if (!z) return;
  free(z->members);
  free(z);
}
