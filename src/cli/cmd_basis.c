/* weyl basis: solve for the equivariant maps in -> out and write the basis. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "weyl/group_check.h"
#include "weyl/cache.h"
#include "weyl/conv.h"
#include "weyl/io.h"
#include "weyl/svg.h"

typedef struct {
  const char *file, *group, *in, *out, *path;
  const char *format, *solver, *rtol, *max_mem; /* as given; converted below */
  const char *local; /* --local K: keep the k x k neighbourhood (conv.h) */
  const char *svg;   /* --svg PATH: picture of the weight sharing */
  const char *cache; /* --cache DIR (else $WEYL_CACHE_DIR, read by the library) */
  int local_k;
  int explain;
  weyl_io_format fmt;
  weyl_basis_opts opts;
} basis_args;

/* Returns 1 when argv[*i] was a known flag, -1 on a usage error, else 0. */
static int take_flag(int argc, char **argv, int *i, basis_args *a) {
  struct {
    const char *flag;
    const char **slot;
  } flags[] = {{"--group", &a->group},   {"--in", &a->in},         {"--out", &a->out},
               {"--format", &a->format}, {"--solver", &a->solver}, {"--rtol", &a->rtol},
               {"-o", &a->path},         {"--output", &a->path},   {"--local", &a->local},
               {"--svg", &a->svg},       {"--max-mem", &a->max_mem}, {"--cache", &a->cache}};
  for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
    int r = cli_take_value(argc, argv, i, flags[k].flag, flags[k].slot);
    if (r) return r;
  }
  return 0;
}

/* A tolerance outside (0, 1) cannot separate zero from non-zero singular values. */
static int convert_rtol(const char *text, double *rtol) {
  char *end = NULL;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(v) || v <= 0 || v >= 1)
    return cli_usage("--rtol '%s' is not a number in (0, 1)", text);
  *rtol = v;
  return CLI_OK;
}

/* --max-mem MiB: the per-block working memory limit. */
static int convert_max_mem(const char *text, size_t *bytes) {
  char *end = NULL;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(v) || v < 1 || v > 1e9)
    return cli_usage("--max-mem '%s' is not a number of MiB in [1, 1e9]", text);
  *bytes = (size_t)(v * 1048576.0);
  return CLI_OK;
}

static int convert_local(const char *text, int *k) {
  char *end = NULL;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 1 || v > 4096 || v % 2 == 0)
    return cli_usage("--local '%s' is not an odd kernel size >= 1", text);
  *k = (int)v;
  return CLI_OK;
}

/* -o PATH names standard output itself: "-", or /dev/stdout, /dev/fd/1 and
 * any path to the file or pipe standard output already is. Writing to the
 * stream then keeps the shell's redirection (its offset, O_APPEND) intact,
 * where replacing the file would leave the shell writing to a deleted one. */
static int is_stdout(const char *path) {
  struct stat p, o;
  if (!strcmp(path, "-")) return 1;
  return stat(path, &p) == 0 && fstat(STDOUT_FILENO, &o) == 0 && p.st_dev == o.st_dev &&
         p.st_ino == o.st_ino;
}

static int convert_values(basis_args *a) {
  if (!a->in) return cli_usage("missing --in EXPR");
  if (!a->out) return cli_usage("missing --out EXPR");
  if (a->format && weyl_io_format_parse(a->format, &a->fmt) != WEYL_OK)
    return cli_usage("%s", weyl_status_last_error());
  if (a->solver && weyl_basis_solver_parse(a->solver, &a->opts.solver) != WEYL_OK)
    return cli_usage("%s", weyl_status_last_error());
  if (a->rtol && convert_rtol(a->rtol, &a->opts.rtol)) return CLI_EUSAGE;
  if (a->max_mem && convert_max_mem(a->max_mem, &a->opts.max_bytes)) return CLI_EUSAGE;
  if (a->local && convert_local(a->local, &a->local_k)) return CLI_EUSAGE;
  if (a->path && is_stdout(a->path)) a->path = NULL;
  /* A binary dump on a terminal is never what was meant. */
  int binary = a->fmt != WEYL_IO_FORMAT_TEXT && a->fmt != WEYL_IO_FORMAT_JSON;
  if (binary && !a->path && isatty(STDOUT_FILENO))
    return cli_usage("%s is binary: write it with -o PATH or redirect standard output", a->format);
  return CLI_OK;
}

static int parse_args(int argc, char **argv, basis_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int r = take_flag(argc, argv, &i, a);
    if (r < 0) return CLI_EUSAGE;
    if (r > 0) continue;
    if (!strcmp(arg, "--explain")) {
      a->explain = 1;
      continue;
    }
    if ((r = cli_take_file("basis", arg, &a->file)) != CLI_OK) return r;
  }
  return convert_values(a);
}

/* Replaces *basis by its k x k local part (the bias is not local: it has no input). */
static weyl_status restrict_local(const basis_args *a, const weyl_rep *in, const weyl_rep *out,
                                  weyl_basis **basis) {
  weyl_basis *local = NULL;
  weyl_status s = weyl_conv_local(in, out, *basis, a->local_k, a->opts.rtol, &local);
  if (s) return s;
  weyl_basis_free(*basis);
  *basis = local;
  return WEYL_OK;
}

/* Grid and kernel groups are drawn as filters, other groups as the whole
 * matrix. The picture is staged: it appears only with the main output. */
static weyl_status stage_picture(const basis_args *a, weyl_group *g, const weyl_rep *in,
                                 const weyl_rep *out, const weyl_basis *basis,
                                 weyl_io_staged **st) {
  weyl_io_basis io = {weyl_group_name(g), a->in, a->out, basis, NULL, NULL, 0};
  weyl_svg_panel *panels = NULL;
  int n = 0;
  weyl_status s = weyl_conv_svg_panels(in, out, a->local_k, &panels, &n);
  if (s == WEYL_EINVAL) s = WEYL_OK, panels = NULL; /* not a grid: the whole matrix */
  if (!s)
    s = weyl_svg_stage_path(a->svg, &io, panels, n, st);
  weyl_conv_svg_panels_free(panels);
  return s;
}

/* Every output appears only when all of them were written: the files are
 * staged (complete, in temporaries), standard output is written, then the
 * files are published together (weyl_io_staged_publish: devices and FIFOs
 * first, then the renames, main output before picture). Without --svg the
 * one file is written directly (atomically, or in place for a device). */
static weyl_status write_outputs(const basis_args *a, weyl_group *g, const weyl_rep *in,
                                 const weyl_rep *out, const weyl_basis *basis,
                                 const weyl_basis *bias) {
  weyl_io_basis io = {weyl_group_name(g), a->in, a->out, basis, bias, NULL, 0};
  /* The json output names the elements of `regular` when a rep uses it, so
   * that regular features can be read outside C. */
  char **words = NULL;
  weyl_status s = WEYL_OK;
  if (a->fmt == WEYL_IO_FORMAT_JSON && (weyl_rep_has_regular(in) || weyl_rep_has_regular(out)))
    s = weyl_group_regular_words(g, &words, &io.n_regular);
  io.regular_words = words;
  weyl_io_staged *st[2] = {NULL, NULL};
  int n = 0;
  if (!s && !a->svg)
    s = a->path ? weyl_io_write_path(a->path, a->fmt, &io) : weyl_io_write(stdout, a->fmt, &io);
  else if (!s) {
    if (a->path) s = weyl_io_stage_path(a->path, a->fmt, &io, &st[n++]);
    if (!s) s = stage_picture(a, g, in, out, basis, &st[n++]);
    if (!s && !a->path) s = weyl_io_write(stdout, a->fmt, &io);
    if (!s) s = weyl_io_staged_publish(st, n);
  }
  for (int i = 0; i < n; i++) weyl_io_staged_free(st[i]);
  weyl_group_regular_words_free(words, io.n_regular);
  return s;
}

/* Solves in -> out through the basis cache (a no-op without --cache and
 * $WEYL_CACHE_DIR); a cache problem is a warning, never a failure. */
static weyl_status cached_solve(const basis_args *a, const char *what, const weyl_rep *in,
                                const weyl_rep *out, const weyl_basis_opts *opts,
                                weyl_basis **basis) {
  weyl_cache_report r;
  weyl_status s = weyl_cache_solve(a->cache, in, out, opts, basis, &r);
  if (r.warning[0]) fprintf(stderr, "weyl: warning: %s: %s\n", r.path, r.warning);
  if (!s && a->explain && r.path[0])
    fprintf(stderr, "%s: %s cache entry %s in %.3f s\n", what,
            r.loaded ? "loaded from" : r.stored ? "solved, stored as" : "solved, not stored as",
            r.path, r.seconds);
  return s;
}

static weyl_status solve_bias(const basis_args *a, weyl_group *g, const weyl_rep *out,
                              const weyl_basis_opts *opts, weyl_basis **bias) {
  weyl_rep *scalar = NULL;
  weyl_status s = weyl_rep_scalar(g, &scalar);
  if (!s) s = cached_solve(a, "bias", scalar, out, opts, bias);
  weyl_rep_free(scalar);
  return s;
}

/* The reps stay alive until the bases are freed: a basis may refer to them. */
static int solve_and_write(const basis_args *a, weyl_group *g) {
  weyl_rep *in = NULL, *out = NULL;
  weyl_basis *basis = NULL, *bias = NULL;
  const char *context = "--in";
  weyl_status s = weyl_rep_parse(g, a->in, &in);
  if (!s) {
    context = "--out";
    s = weyl_rep_parse(g, a->out, &out);
  }
  cli_progress_state progress = {0};
  weyl_basis_opts opts = a->opts;
  if (isatty(STDERR_FILENO)) opts.progress = cli_progress, opts.progress_ctx = &progress;
  if (!s) {
    context = NULL;
    s = cached_solve(a, "basis", in, out, &opts, &basis);
  }
  if (!s) s = solve_bias(a, g, out, &opts, &bias);
  cli_progress_end(&progress);
  if (!s && a->explain) {
    cli_explain(stderr, "basis", basis);
    cli_explain_error(stderr, in, out, basis);
    cli_explain_predicted(stderr, in, out, weyl_basis_dim(basis));
    cli_explain(stderr, "bias", bias);
  }
  if (!s && a->local_k) s = restrict_local(a, in, out, &basis);
  int writing = !s;
  if (!s) s = write_outputs(a, g, in, out, basis, bias);
  /* A numerical failure of the auto or iterative solver: the dense one may pass. */
  int dense_may_help = s == WEYL_ENUMERIC && (a->opts.solver == WEYL_BASIS_SOLVER_AUTO ||
                                              a->opts.solver == WEYL_BASIS_SOLVER_ITERATIVE);
  /* The library names the formats that hold a refused basis; the flag is ours. */
  int other_format = writing && (s == WEYL_ELIMIT || s == WEYL_EINVAL) &&
                     strstr(weyl_status_last_error(), " format");
  const char *hint = dense_may_help ? "try --solver dense"
                     : other_format ? "choose it with --format"
                                    : NULL;
  int rc = s ? cli_fail_hint(s, context, hint) : CLI_OK;
  weyl_basis_free(bias);
  weyl_basis_free(basis);
  weyl_rep_free(out);
  weyl_rep_free(in);
  return rc;
}

int cmd_basis(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      cli_print_help(stdout);
      return CLI_OK;
    }
  basis_args a = {0};
  a.fmt = WEYL_IO_FORMAT_TEXT;
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc;
  weyl_group *g = NULL;
  rc = cli_load_group(a.file, a.group, &g);
  if (rc) return rc;
  /* A file whose reps are not one group's is refused, not solved: the
   * answer would be that of some other group (rep-format.md 1.5). */
  weyl_status s = a.file ? weyl_group_check_consistent(g, a.file) : WEYL_OK;
  rc = s ? cli_fail(s, NULL) : solve_and_write(&a, g);
  weyl_group_free(g);
  return rc;
}
