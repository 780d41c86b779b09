/* The .rep parser (docs/rep-format.md, section 1).
 *
 * The text is a stream of blank-separated tokens, each tagged with its line.
 * Lines matter only for declarations (`group`, `generators`, `algebra` and
 * `rep NAME DIM` take the rest of their line); the data of an entry (perm
 * indices, matrix numbers) may be wrapped over any number of lines, so an
 * entry ends at the first token that cannot be a number. Every failure is
 * reported as "label:line: what was expected / what was found". */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "core/mat.h"
#include "core/status_impl.h"
#include "weyl/repfile.h"

enum { DISC = 0, ALG = 1 };
enum { SHOWN = 40 };    /* longest token quoted in a message */
enum { MAX_NEST = 32 }; /* signs and parentheses in one number */
static const double SINGULAR_RCOND = 1e-13;

typedef struct {
  const char *s; /* NULL at the end of the text */
  int n;         /* length; the text is below 2^31 bytes (WEYL_REPFILE_MAX_BYTES) */
  int line;      /* 1-based */
} token;

typedef struct {
  const char *text, *label;
  size_t len, pos;
  int line;    /* line of text[pos] */
  token ahead; /* one token of lookahead */
  token group_kw, decl_kw[2];
  char *gname;
  char *names[2][WEYL_GROUP_MAX_GENERATORS]; /* [DISC] generators, [ALG] algebra */
  int n_names[2];
  int given[2][WEYL_GROUP_MAX_GENERATORS]; /* line of the entry in the current rep */
  int rep_line[WEYL_GROUP_MAX_LEAVES];
  weyl_group *g;
} parser;

/* One `GEN KIND ...` entry of leaf `leaf`. */
typedef struct {
  int leaf, kind, k;
  token how;
} entry;

/* A token quoted for a message; the struct keeps the text alive for the
 * whole call it is an argument of. */
typedef struct {
  char s[SHOWN + 8];
} quoted;

static quoted q(token t) {
  quoted r;
  if (!t.s) {
    snprintf(r.s, sizeof r.s, "end of file");
    return r;
  }
  int clipped = t.n > SHOWN, n = clipped ? SHOWN : t.n, j = 0;
  r.s[j++] = '\'';
  for (int i = 0; i < n; i++) r.s[j++] = (t.s[i] >= 32 && t.s[i] < 127) ? t.s[i] : '?';
  snprintf(r.s + j, 5, "%s'", clipped ? "..." : "");
  return r;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static weyl_status
fail_at(const parser *p, weyl_status st, int line, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return weyl_fail(st, "%s:%d: %s", p->label, line, msg);
}

/* ---- tokens ---- */

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

/* LF, CRLF (at its LF) and a lone CR (classic Mac files) each end a line. */
static int ends_line(const char *text, size_t len, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
}

static token scan(parser *p) {
  for (;;) {
    for (; p->pos < p->len && is_blank(p->text[p->pos]); p->pos++)
      if (ends_line(p->text, p->len, p->pos)) p->line++;
    if (p->pos == p->len || p->text[p->pos] != '#') break;
    while (p->pos < p->len && !ends_line(p->text, p->len, p->pos)) p->pos++;
  }
  token t = {NULL, 0, p->line};
  if (p->pos == p->len) {
    /* At the end, name the last line that exists rather than the one after
     * a final newline. */
    if (p->len > 0 && ends_line(p->text, p->len, p->len - 1) && t.line > 1) t.line--;
    return t;
  }
  t.s = p->text + p->pos;
  while (p->pos < p->len && !is_blank(p->text[p->pos]) && p->text[p->pos] != '#') p->pos++;
  t.n = (int)(p->text + p->pos - t.s);
  return t;
}

static token peek(const parser *p) { return p->ahead; }

static token take(parser *p) {
  token t = p->ahead;
  p->ahead = scan(p);
  return t;
}

static int is(token t, const char *word) {
  return t.s && (size_t)t.n == strlen(word) && memcmp(t.s, word, (size_t)t.n) == 0;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_word_ci(token t, const char *word) {
  if (!t.s || (size_t)t.n != strlen(word)) return 0;
  for (int i = 0; i < t.n; i++)
    if ((t.s[i] | 0x20) != word[i]) return 0;
  return 1;
}

static int is_nonfinite_word(token t) {
  return is_word_ci(t, "inf") || is_word_ci(t, "infinity") || is_word_ci(t, "nan");
}

/* inf/nan are taken for (bad) numbers, so that a matrix containing them
 * fails as "not finite" rather than ending early. */
static int numeric(token t) {
  if (!t.s) return 0;
  char c = t.s[0];
  if (is_digit(c) || c == '-' || c == '+' || c == '.' || c == '(') return 1;
  if (memchr(t.s, '(', (size_t)t.n) || memchr(t.s, '/', (size_t)t.n)) return 1;
  return is_nonfinite_word(t);
}

/* Rep and generator names are identifiers, so that rep expressions
 * (`A*B`, `A.T`, `3*A`) can never misread them. */
static int is_ident(token t) {
  if (!t.s || !(is_alpha(t.s[0]) || t.s[0] == '_')) return 0;
  for (int i = 1; i < t.n; i++)
    if (!(is_alpha(t.s[i]) || is_digit(t.s[i]) || t.s[i] == '_')) return 0;
  return 1;
}

static int is_reserved(token t) {
  static const char *const words[] = {"group", "generators", "algebra",  "rep",
                                      "perm",  "matrix",     "identity", "zero"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (is(t, words[i])) return 1;
  return numeric(t);
}

static char *dup_tok(token t) {
  char *s = malloc((size_t)t.n + 1);
  if (s) memcpy(s, t.s, (size_t)t.n), s[t.n] = '\0';
  return s;
}

static weyl_status oom(const parser *p, int line) {
  return fail_at(p, WEYL_ENOMEM, line, "out of memory");
}

/* ---- numbers (rep-format.md section 1.4) ----
 *
 *   number  := product                  sums only inside parentheses, so that
 *   sum     := product (('+'|'-') product)*     "0.5-0.5" (a missing blank) is
 *   product := unary (('*'|'/') unary)*         refused, not read as 0
 *   unary   := ('+'|'-') unary | '(' sum ')' | 'sqrt(' sum ')'
 *            | ('cos'|'sin') '(' angle ')' | literal
 *   angle   := ['+'|'-'] [INT '*'] 'pi' ['/' INT] | ['+'|'-'] '0'
 *
 * cos and sin take rational multiples of pi, which are reduced exactly to
 * the first octant, so that cos(pi/2) is 0 and sin(pi) is 0, not 1e-16. */

typedef enum { NUM_OK, NUM_BAD, NUM_INF, NUM_DIV0, NUM_NEGSQRT, NUM_SUM } num_err;

typedef struct {
  const char *s, *end;
  int depth;
} numcur;

static num_err num_sum(numcur *c, double *v);

static int is_xdigit(char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Skips the digits of a C floating literal: decimal D+[.D*][e[+-]D+] or
 * .D+[...], or hexadecimal 0xH+[.H*][p[+-]D+]. */
static num_err scan_literal(numcur *c) {
  int hex = c->end - c->s > 2 && c->s[0] == '0' && (c->s[1] | 0x20) == 'x';
  int (*digit)(char) = hex ? is_xdigit : is_digit;
  int digits = 0;
  if (hex) c->s += 2;
  for (; c->s < c->end && digit(*c->s); c->s++) digits++;
  if (c->s < c->end && *c->s == '.')
    for (c->s++; c->s < c->end && digit(*c->s); c->s++) digits++;
  if (!digits) return NUM_BAD;
  if (c->s < c->end && (*c->s | 0x20) == (hex ? 'p' : 'e')) {
    c->s++;
    if (c->s < c->end && (*c->s == '+' || *c->s == '-')) c->s++;
    if (!(c->s < c->end && is_digit(*c->s))) return NUM_BAD;
    while (c->s < c->end && is_digit(*c->s)) c->s++;
  }
  return NUM_OK;
}

static num_err num_literal(numcur *c, double *v) {
  const char *b = c->s;
  if (scan_literal(c)) return NUM_BAD;
  /* strtod needs a terminated copy (the text is not); long literals (200
   * digits of pi) get one from the heap */
  size_t n = (size_t)(c->s - b);
  char small[128], *buf = n < sizeof small ? small : malloc(n + 1), *end;
  if (!buf) return NUM_BAD;
  memcpy(buf, b, n);
  buf[n] = '\0';
  /* strtod follows LC_NUMERIC, which a host program may have set to ',' */
  const char *point = localeconv()->decimal_point, *dot = strchr(buf, '.');
  if (dot && point[0] && !point[1]) buf[dot - buf] = point[0];
  *v = strtod(buf, &end);
  num_err e = *end ? NUM_BAD : isfinite(*v) ? NUM_OK : NUM_INF;
  if (buf != small) free(buf);
  return e;
}

/* A decimal integer below 10^9 (numerators and denominators of angles). */
static int num_int(numcur *c, long long *v) {
  int n = 0;
  for (*v = 0; c->s < c->end && is_digit(*c->s) && n < 9; c->s++, n++) *v = *v * 10 + (*c->s - '0');
  return n > 0 && !(c->s < c->end && is_digit(*c->s));
}

static int num_word_is(numcur *c, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(c->end - c->s) < n || memcmp(c->s, w, n) != 0) return 0;
  if ((size_t)(c->end - c->s) > n && is_alpha(c->s[n])) return 0;
  c->s += n;
  return 1;
}

/* angle := ['+'|'-'] [INT '*'] 'pi' ['/' INT] | ['+'|'-'] '0', as p/q (times pi). */
static num_err num_angle(numcur *c, long long *p, long long *q) {
  int neg = c->s < c->end && *c->s == '-';
  if (c->s < c->end && (*c->s == '-' || *c->s == '+')) c->s++;
  *p = 1, *q = 1;
  if (c->s < c->end && is_digit(*c->s)) {
    if (!num_int(c, p)) return NUM_BAD;
    if (*p == 0 && !(c->s < c->end && *c->s == '*')) return NUM_OK; /* plain 0 */
    if (!(c->s < c->end && *c->s++ == '*')) return NUM_BAD;
  }
  if (!num_word_is(c, "pi")) return NUM_BAD;
  if (c->s < c->end && *c->s == '/') {
    c->s++;
    if (!num_int(c, q)) return NUM_BAD;
    if (*q == 0) return NUM_DIV0;
  }
  if (neg) *p = -*p;
  return NUM_OK;
}

/* cos(pi p/q), reduced to an angle in [0, pi/4] first, so that the values at
 * multiples of pi/2 are exact (0, not 6e-17), cos(pi/3) is exactly 1/2 and
 * the others are as accurate as libm near 0. */
static double cos_pi_rational(long long p, long long q) {
  static const double PI = 3.14159265358979323846;
  long long r = p % (2 * q); /* q > 0, |p| < 10^9 */
  if (r < 0) r += 2 * q;
  if (r > q) r = 2 * q - r; /* cos(pi (2 - a)) = cos(pi a) */
  double sign = 1;
  if (2 * r > q) r = q - r, sign = -1; /* cos(pi (1 - a)) = -cos(pi a) */
  double v;
  if (4 * r <= q) v = cos(PI * (double)r / (double)q);
  else if (6 * r == 2 * q) v = 0.5; /* pi/3 */
  else v = sin(PI * (double)(q - 2 * r) / (double)(2 * q)); /* cos(x) = sin(pi/2 - x) */
  return sign * v + 0.0; /* + 0.0: no -0 */
}

static num_err num_call(numcur *c, double *v, int trig) {
  if (c->s == c->end || *c->s++ != '(') return NUM_BAD;
  long long p = 0, q = 1;
  num_err e = trig ? num_angle(c, &p, &q) : num_sum(c, v);
  if (e) return e;
  if (c->s == c->end || *c->s++ != ')') return NUM_BAD;
  if (trig == 1) *v = cos_pi_rational(p, q);
  if (trig == 2) *v = cos_pi_rational(q - 2 * p, 2 * q); /* sin(x) = cos(pi/2 - x) */
  if (!trig && *v < 0) return NUM_NEGSQRT;
  if (!trig) *v = sqrt(*v);
  return NUM_OK;
}

static num_err num_word(numcur *c, double *v) {
  const char *b = c->s;
  if (num_word_is(c, "sqrt")) return num_call(c, v, 0);
  if (num_word_is(c, "cos")) return num_call(c, v, 1);
  if (num_word_is(c, "sin")) return num_call(c, v, 2);
  while (c->s < c->end && is_alpha(*c->s)) c->s++;
  token w = {b, (int)(c->s - b), 0};
  return is_nonfinite_word(w) ? NUM_INF : NUM_BAD;
}

static num_err num_unary(numcur *c, double *v) {
  if (c->s == c->end || ++c->depth > MAX_NEST) return NUM_BAD;
  num_err e;
  char ch = *c->s;
  if (ch == '-' || ch == '+') {
    c->s++;
    e = num_unary(c, v);
    if (ch == '-') *v = -*v;
  } else if (ch == '(') {
    c->s++;
    e = num_sum(c, v);
    if (!e && (c->s == c->end || *c->s++ != ')')) e = NUM_BAD;
  } else {
    e = is_alpha(ch) ? num_word(c, v) : num_literal(c, v);
  }
  c->depth--;
  return e;
}

/* One level of binary operators, left to right: products (sums = 0) of
 * unary terms, or sums (sums = 1) of products. */
static num_err num_binary(numcur *c, double *v, int sums) {
  const char *ops = sums ? "+-" : "*/";
  num_err e = sums ? num_binary(c, v, 0) : num_unary(c, v);
  while (!e && c->s < c->end && *c->s && strchr(ops, *c->s)) {
    char op = *c->s++;
    double r;
    if ((e = sums ? num_binary(c, &r, 0) : num_unary(c, &r))) break;
    if (op == '/' && r == 0) return NUM_DIV0;
    *v = op == '+' ? *v + r : op == '-' ? *v - r : op == '*' ? *v * r : *v / r;
    if (!isfinite(*v)) return NUM_INF;
  }
  return e;
}

static num_err num_product(numcur *c, double *v) { return num_binary(c, v, 0); }
static num_err num_sum(numcur *c, double *v) { return num_binary(c, v, 1); }

static weyl_status parse_number(const parser *p, token t, double *v) {
  static const char *const why[] = {
      [NUM_BAD] = "is malformed: expected a literal (decimal or 0x hex), p/q, sqrt(x), "
                  "cos(k*pi/n), sin(k*pi/n) or (a+b), as one token",
      [NUM_INF] = "is not finite",
      [NUM_DIV0] = "divides by zero",
      [NUM_NEGSQRT] = "takes sqrt of a negative value",
      [NUM_SUM] = "is malformed: a sum or difference must be in parentheses, as (1+sqrt(5))/4 "
                  "(a blank may be missing between two numbers)"};
  numcur c = {t.s, t.s + t.n, 0};
  num_err e = num_product(&c, v);
  if (!e && c.s != c.end) e = (*c.s == '+' || *c.s == '-') ? NUM_SUM : NUM_BAD;
  return e ? fail_at(p, WEYL_EPARSE, t.line, "number %s %s", q(t).s, why[e]) : WEYL_OK;
}

/* A non-negative decimal integer; values above cap are clipped to cap + 1. */
static int parse_count(token t, long cap, long *v) {
  if (!t.s || t.n == 0) return 0;
  *v = 0;
  for (int i = 0; i < t.n; i++) {
    if (!is_digit(t.s[i])) return 0;
    if (*v <= cap) *v = *v * 10 + (t.s[i] - '0');
  }
  if (*v > cap) *v = cap + 1;
  return 1;
}

/* ---- declarations ---- */

static weyl_status parse_group_line(parser *p) {
  token kw = take(p);
  if (!is(kw, "group"))
    return fail_at(p, WEYL_EPARSE, kw.line, "expected 'group LABEL' first, found %s", q(kw).s);
  token name = take(p);
  if (!name.s || name.line != kw.line)
    return fail_at(p, WEYL_EPARSE, kw.line, "expected a label after 'group', found nothing");
  for (int i = 0; i < name.n; i++) {
    char c = name.s[i];
    if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.'))
      return fail_at(p, WEYL_EPARSE, name.line,
                     "group label %s may only hold letters, digits, '_', '-' and '.'",
                     q(name).s);
  }
  if (peek(p).s && peek(p).line == kw.line)
    return fail_at(p, WEYL_EPARSE, kw.line, "expected one label after 'group', found also %s",
                   q(peek(p)).s);
  p->group_kw = kw;
  return (p->gname = dup_tok(name)) ? WEYL_OK : oom(p, kw.line);
}

static int find_gen(const parser *p, token t, int *kind, int *k) {
  for (*kind = 0; *kind < 2; ++*kind)
    for (*k = 0; *k < p->n_names[*kind]; ++*k)
      if (is(t, p->names[*kind][*k])) return 1;
  return 0;
}

static weyl_status add_name(parser *p, int kind, token t) {
  int kk, k;
  if (!is_ident(t) || is_reserved(t))
    return fail_at(p, WEYL_EPARSE, t.line,
                   "expected a generator name (letters, digits, '_', not a keyword), found %s",
                   q(t).s);
  if (find_gen(p, t, &kk, &k))
    return fail_at(p, WEYL_EPARSE, t.line, "generator name %s is declared twice", q(t).s);
  if (p->n_names[DISC] + p->n_names[ALG] >= WEYL_GROUP_MAX_GENERATORS)
    return fail_at(p, WEYL_ELIMIT, t.line,
                   "more than %d generators (discrete and algebra together)",
                   WEYL_GROUP_MAX_GENERATORS);
  char *s = dup_tok(t);
  if (!s) return oom(p, t.line);
  p->names[kind][p->n_names[kind]++] = s;
  return WEYL_OK;
}

static weyl_status parse_decl(parser *p) {
  token kw = take(p);
  int kind = is(kw, "generators") ? DISC : is(kw, "algebra") ? ALG : -1;
  if (is(kw, "group"))
    return fail_at(p, WEYL_EPARSE, kw.line, "second 'group' line (the first is line %d)",
                   p->group_kw.line);
  if (kind < 0)
    return fail_at(p, WEYL_EPARSE, kw.line,
                   "expected 'generators', 'algebra' or 'rep', found %s", q(kw).s);
  if (p->decl_kw[kind].s)
    return fail_at(p, WEYL_EPARSE, kw.line, "second %s line (the first is line %d)", q(kw).s,
                   p->decl_kw[kind].line);
  p->decl_kw[kind] = kw;
  while (peek(p).s && peek(p).line == kw.line) {
    weyl_status st = add_name(p, kind, take(p));
    if (st) return st;
  }
  return WEYL_OK;
}

static weyl_status make_group(parser *p) {
  if (p->n_names[DISC] + p->n_names[ALG] == 0)
    return fail_at(p, WEYL_EPARSE, peek(p).line,
                   "expected a 'generators' or 'algebra' line naming at least one "
                   "generator before the first rep, found none");
  p->g = weyl_group_new(p->gname, p->n_names[DISC], (const char *const *)p->names[DISC],
                        p->n_names[ALG], (const char *const *)p->names[ALG]);
  if (p->g) p->g->defining_leaves = 1; /* the group is the one V generates */
  return p->g ? WEYL_OK : oom(p, peek(p).line);
}

/* ---- entries ---- */

static weyl_action *action_of(const parser *p, const entry *e) {
  weyl_leaf *l = &p->g->leaves[e->leaf];
  return e->kind == DISC ? &l->disc[e->k] : &l->alg[e->k];
}

#define ENTRY_FMT "%s for generator %s of rep %s"
#define ENTRY_ARGS(p, e, what)                                                                \
  what, (p)->names[(e)->kind][(e)->k], (p)->g->leaves[(e)->leaf].name

static weyl_status entry_perm(parser *p, const entry *e) {
  if (e->kind == ALG)
    return fail_at(p, WEYL_EPARSE, e->how.line,
                   "'perm' is for discrete generators; algebra generator %s needs "
                   "'matrix' or 'zero'",
                   p->names[ALG][e->k]);
  int dim = p->g->leaves[e->leaf].dim, n = 0;
  int *perm = malloc((size_t)dim * sizeof *perm);
  char *seen = calloc((size_t)dim, 1);
  weyl_status st = WEYL_OK;
  action_of(p, e)->perm = perm; /* owned by the group from here on */
  if (!perm || !seen) st = oom(p, e->how.line);
  for (; !st && numeric(peek(p)); n++) {
    token t = take(p);
    long v;
    if (n >= dim) continue; /* only counted, for the message below */
    if (!parse_count(t, dim, &v) || v >= dim)
      st = fail_at(p, WEYL_EPARSE, t.line, ENTRY_FMT " has %s, expected an index 0..%d",
                   ENTRY_ARGS(p, e, "permutation"), q(t).s, dim - 1);
    else if (seen[v])
      st = fail_at(p, WEYL_EPARSE, t.line, ENTRY_FMT " repeats index %ld",
                   ENTRY_ARGS(p, e, "permutation"), v);
    else
      seen[v] = 1, perm[n] = (int)v;
  }
  if (!st && n != dim)
    st =
        fail_at(p, WEYL_EPARSE, e->how.line, ENTRY_FMT " needs %d indices, found %d before %s",
                ENTRY_ARGS(p, e, "permutation"), dim, n, q(peek(p)).s);
  free(seen);
  return st;
}

/* Singularity test by the LAPACK condition estimate, in the infinity norm
 * (as good a test as the 1-norm). */
static weyl_status check_invertible(parser *p, const entry *e, const double *m, int n) {
  double rcond = 0;
  weyl_status s = weyl_mat_rcond_estimate('I', n, m, n, &rcond);
  if (s == WEYL_ENOMEM) return oom(p, e->how.line);
  if (s != WEYL_OK) /* fail_at copies the message before replacing it */
    return fail_at(p, s, e->how.line, "%s on " ENTRY_FMT, weyl_status_last_error(),
                   ENTRY_ARGS(p, e, "matrix"));
  if (!(rcond >= SINGULAR_RCOND))
    return fail_at(p, WEYL_EPARSE, e->how.line,
                   ENTRY_FMT " is singular (reciprocal condition number %.3g < %g); a "
                             "discrete generator must act invertibly",
                   ENTRY_ARGS(p, e, "matrix"), rcond, SINGULAR_RCOND);
  return WEYL_OK;
}

static weyl_status entry_matrix(parser *p, const entry *e) {
  int dim = p->g->leaves[e->leaf].dim;
  long need = (long)dim * dim, n = 0;
  double *m = malloc((size_t)need * sizeof *m);
  action_of(p, e)->mat = m; /* owned by the group from here on */
  if (!m) return oom(p, e->how.line);
  for (; numeric(peek(p)); n++) {
    token t = take(p);
    if (n >= need) continue; /* only counted, for the message below */
    weyl_status st = parse_number(p, t, &m[n]);
    if (st) return st;
  }
  if (n != need)
    return fail_at(p, WEYL_EPARSE, e->how.line,
                   ENTRY_FMT " needs %ld numbers (%dx%d), found %ld before %s",
                   ENTRY_ARGS(p, e, "matrix"), need, dim, dim, n, q(peek(p)).s);
  return e->kind == DISC ? check_invertible(p, e, m, dim) : WEYL_OK;
}

static weyl_status entry_shorthand(parser *p, const entry *e) {
  int want = is(e->how, "identity") ? DISC : ALG;
  if (e->kind != want)
    return fail_at(p, WEYL_EPARSE, e->how.line,
                   "%s is for %s generators; %s generator %s needs %s", q(e->how).s,
                   want == DISC ? "discrete" : "algebra",
                   e->kind == DISC ? "discrete" : "algebra", p->names[e->kind][e->k],
                   e->kind == DISC ? "'identity', 'perm' or an invertible 'matrix'"
                                   : "'zero' or 'matrix'");
  return WEYL_OK; /* the action is already identity / zero */
}

static weyl_status parse_entry(parser *p, int leaf) {
  token gen = take(p);
  entry e = {leaf, 0, 0, {NULL, 0, 0}};
  const char *rep = p->g->leaves[leaf].name;
  if (is(gen, "generators") || is(gen, "algebra") || is(gen, "group"))
    return fail_at(p, WEYL_EPARSE, gen.line, "%s must come before the first rep", q(gen).s);
  if (!find_gen(p, gen, &e.kind, &e.k))
    return fail_at(p, WEYL_EPARSE, gen.line,
                   "expected a declared generator name or 'rep' in rep %s, found %s", rep,
                   q(gen).s);
  if (p->given[e.kind][e.k])
    return fail_at(p, WEYL_EPARSE, gen.line,
                   "generator %s is given twice in rep %s (first on line %d)", q(gen).s, rep,
                   p->given[e.kind][e.k]);
  p->given[e.kind][e.k] = gen.line;
  e.how = take(p);
  if (is(e.how, "perm")) return entry_perm(p, &e);
  if (is(e.how, "matrix")) return entry_matrix(p, &e);
  if (is(e.how, "identity") || is(e.how, "zero")) return entry_shorthand(p, &e);
  return fail_at(p, WEYL_EPARSE, e.how.s ? e.how.line : gen.line,
                 "expected perm, matrix, identity or zero after generator %s, found %s",
                 q(gen).s, q(e.how).s);
}

/* ---- rep blocks ---- */

static weyl_status check_rep_name(const parser *p, token kw, token name) {
  if (!name.s || name.line != kw.line)
    return fail_at(p, WEYL_EPARSE, kw.line, "expected 'rep NAME DIM', found no name");
  if (!is_ident(name) || is_reserved(name) || is(name, "Scalar") || is(name, "regular") ||
      (is(name, "V") && p->g->n_leaves > 0))
    return fail_at(p, WEYL_EPARSE, name.line,
                   "expected a rep name (letters, digits, '_'; not a keyword, Scalar, "
                   "regular, or V after the first rep), found %s",
                   q(name).s);
  for (int i = 0; i < p->g->n_leaves; i++)
    if (is(name, p->g->leaves[i].name))
      return fail_at(p, WEYL_EPARSE, name.line, "rep name %s is already used on line %d",
                     q(name).s, p->rep_line[i]);
  return WEYL_OK;
}

static weyl_status parse_rep_header(parser *p, token kw) {
  token name = take(p), d = peek(p);
  long v;
  weyl_status st = check_rep_name(p, kw, name);
  if (st) return st;
  if (!d.s || d.line != kw.line || !parse_count(d, WEYL_GROUP_MAX_LEAF_DIM, &v))
    return fail_at(p, WEYL_EPARSE, kw.line, "expected a dimension after 'rep %.*s', found %s",
                   name.n, name.s, d.line == kw.line ? q(d).s : "end of line");
  take(p);
  if (v < 1)
    return fail_at(p, WEYL_EPARSE, d.line,
                   "dimension of rep %.*s must be at least 1, found %s", name.n, name.s,
                   q(d).s);
  if (v > WEYL_GROUP_MAX_LEAF_DIM)
    return fail_at(p, WEYL_ELIMIT, d.line, "dimension of rep %.*s is %s, the limit is %d", name.n,
                   name.s, q(d).s, WEYL_GROUP_MAX_LEAF_DIM);
  if (p->g->n_leaves >= WEYL_GROUP_MAX_LEAVES)
    return fail_at(p, WEYL_ELIMIT, kw.line, "more than %d reps in one file", WEYL_GROUP_MAX_LEAVES);
  char *s = dup_tok(name);
  int ok = s && weyl_group_add_leaf(p->g, s, (int)v);
  free(s);
  return ok ? WEYL_OK : oom(p, kw.line);
}

static weyl_status parse_rep(parser *p) {
  token kw = take(p);
  int leaf = p->g->n_leaves;
  weyl_status st = parse_rep_header(p, kw);
  if (st) return st;
  p->rep_line[leaf] = kw.line;
  p->g->leaves[leaf].line = kw.line;
  memset(p->given, 0, sizeof p->given);
  while (!st && peek(p).s && !is(peek(p), "rep")) st = parse_entry(p, leaf);
  for (int kind = 0; !st && kind < 2; kind++)
    for (int k = 0; !st && k < p->n_names[kind]; k++)
      if (!p->given[kind][k])
        st = fail_at(p, WEYL_EPARSE, kw.line, "rep %s gives no entry for %s generator %s",
                     p->g->leaves[leaf].name, kind == DISC ? "discrete" : "algebra",
                     p->names[kind][k]);
  return st;
}

static weyl_status parse_all(parser *p) {
  weyl_status st = parse_group_line(p);
  while (!st && peek(p).s && !is(peek(p), "rep")) st = parse_decl(p);
  if (!st && !peek(p).s)
    st = fail_at(p, WEYL_EPARSE, peek(p).line,
                 "expected at least one 'rep NAME DIM' block, found end of file");
  if (!st) st = make_group(p);
  while (!st && peek(p).s) st = parse_rep(p);
  return st;
}

static int line_at(const char *text, size_t len, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off; i++) line += ends_line(text, len, i);
  return line;
}

weyl_status weyl_repfile_parse(const char *text, size_t len, const char *label,
                               weyl_group **g) {
  if (!g || (!text && len > 0))
    return weyl_fail(WEYL_EINVAL, "weyl_repfile_parse: NULL argument");
  *g = NULL;
  parser *p = calloc(1, sizeof *p);
  if (!p) return weyl_fail(WEYL_ENOMEM, "out of memory");
  *p = (parser){
      .text = text ? text : "", .len = len, .label = label ? label : "<text>", .line = 1};
  const char *nul = len ? memchr(text, '\0', len) : NULL;
  weyl_status st;
  if (len > (size_t)WEYL_REPFILE_MAX_BYTES)
    st = weyl_fail(WEYL_ELIMIT, "%s: %zu bytes, more than the limit of %ld bytes", p->label, len,
                   (long)WEYL_REPFILE_MAX_BYTES);
  else if (nul)
    st = fail_at(p, WEYL_EPARSE, line_at(text, len, (size_t)(nul - text)),
                 "expected text, found a NUL byte");
  else {
    p->ahead = scan(p);
    st = parse_all(p);
  }
  if (st)
    weyl_group_free(p->g);
  else
    *g = p->g;
  for (int kind = 0; kind < 2; kind++)
    for (int k = 0; k < p->n_names[kind]; k++) free(p->names[kind][k]);
  free(p->gname);
  free(p);
  return st;
}

/* Reads a whole stream, refusing to grow past the file size limit. */
static weyl_status read_all(FILE *f, const char *path, char **buf, size_t *len) {
  size_t cap = 1 << 16;
  *len = 0;
  *buf = malloc(cap);
  while (*buf) {
    *len += fread(*buf + *len, 1, cap - *len, f);
    if (ferror(f)) return weyl_fail(WEYL_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (feof(f)) return WEYL_OK;
    if (*len > (size_t)WEYL_REPFILE_MAX_BYTES)
      return weyl_fail(WEYL_ELIMIT, "%s: more than the limit of %ld bytes", path,
                       (long)WEYL_REPFILE_MAX_BYTES);
    char *grown = realloc(*buf, cap * 2);
    if (!grown) break;
    *buf = grown;
    cap *= 2;
  }
  return weyl_fail(WEYL_ENOMEM, "%s: out of memory", path);
}

weyl_status weyl_repfile_load(const char *path, weyl_group **g) {
  if (!path || !g) return weyl_fail(WEYL_EINVAL, "weyl_repfile_load: NULL argument");
  *g = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return weyl_fail(WEYL_EIO, "%s: cannot read: %s", path, strerror(errno));
  char *buf;
  size_t len;
  weyl_status st = read_all(f, path, &buf, &len);
  fclose(f);
  if (!st) st = weyl_repfile_parse(buf, len, path, g);
  free(buf);
  return st;
}
