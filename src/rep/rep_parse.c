/* The expression grammar of rep-format.md section 2, by recursive descent:
 *
 *   sum     := product ('+' product)*
 *   product := [INT '*'] factor ('*' factor)*      INT copies the whole product
 *   factor  := primary ('**' INT ['[' FORMULA ']'] | '.T')*
 *   primary := NAME | 'rot' '(' INT [',' INT] ')' | ('Sym'|'Alt') INT '(' sum ')'
 *            | '(' sum ')'
 *
 * Names: Scalar, regular, V and the group's leaf reps. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group/group_impl.h"
#include "rep/rep_impl.h"
#include "core/status_impl.h"

enum { NAME_CAP = 128 };
/* Parentheses nest by recursion: 4096 '(' overflowed the stack (found by
 * fuzzing). No real expression comes near this depth. */
enum { MAX_NEST = 100 };

typedef struct {
  const char *text;
  int pos;
  int depth; /* open parentheses */
  weyl_group *g;
} parser;

/* Every parse_* function leaves *out NULL when it fails. */
static weyl_status parse_sum(parser *p, weyl_rep **out);

/* Long expressions are cut in the message, so that the reason (at its end)
 * survives the message buffer; the column still points at the place. */
static weyl_status syntax(const parser *p, const char *what) {
  int cut = strlen(p->text) > NAME_CAP;
  return weyl_fail(WEYL_EPARSE, "in expression '%.*s%s' at column %d: %s", NAME_CAP, p->text,
                   cut ? "..." : "", p->pos + 1, what);
}

/* Adds the expression and column to a failure from a constructor. */
static weyl_status located(const parser *p, weyl_status s, int at) {
  char prefix[NAME_CAP + 64];
  snprintf(prefix, sizeof prefix, "in expression '%.*s' at column %d", NAME_CAP, p->text, at + 1);
  weyl_error_prefix(prefix);
  return s == WEYL_EINVAL ? WEYL_EPARSE : s;
}

static void skip_blanks(parser *p) {
  while (isspace((unsigned char)p->text[p->pos])) p->pos++;
}

static int accept(parser *p, const char *tok) {
  skip_blanks(p);
  size_t n = strlen(tok);
  if (strncmp(p->text + p->pos, tok, n) != 0) return 0;
  /* '*' must not swallow the first half of '**'. */
  if (strcmp(tok, "*") == 0 && p->text[p->pos + 1] == '*') return 0;
  p->pos += (int)n;
  return 1;
}

static int peek_int(parser *p) {
  skip_blanks(p);
  return isdigit((unsigned char)p->text[p->pos]);
}

static weyl_status parse_int(parser *p, int *value) {
  skip_blanks(p);
  if (!isdigit((unsigned char)p->text[p->pos])) return syntax(p, "expected a whole number");
  long v = 0;
  while (isdigit((unsigned char)p->text[p->pos])) {
    v = v * 10 + (p->text[p->pos++] - '0');
    if (v > 1000000) return syntax(p, "number too large (limit 1000000)");
  }
  *value = (int)v;
  return WEYL_OK;
}

static int is_name_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

static weyl_status parse_name(parser *p, char *name) {
  skip_blanks(p);
  int n = 0;
  if (!isalpha((unsigned char)p->text[p->pos]) && p->text[p->pos] != '_')
    return syntax(p, p->text[p->pos] ? "expected a representation name, a number or '('"
                                     : "expression ends too early");
  while (is_name_char(p->text[p->pos])) {
    if (n == NAME_CAP - 1) return syntax(p, "name too long");
    name[n++] = p->text[p->pos++];
  }
  name[n] = '\0';
  return WEYL_OK;
}

static weyl_status unknown_name(parser *p, const char *name, int at) {
  char known[512] = "Scalar, regular, rot(k), Symk(...), Altk(...)";
  for (int i = 0; i < p->g->n_leaves; i++) {
    size_t used = strlen(known);
    snprintf(known + used, sizeof known - used, ", %s", p->g->leaves[i].name);
  }
  p->pos = at;
  char what[NAME_CAP + 600];
  snprintf(what, sizeof what, "unknown representation '%s' (known: %s)", name, known);
  return syntax(p, what);
}

/* "Sym3", "Alt2": the power in *k (at most 1000000, checked later). */
static int sym_name(const char *name, int *k) {
  if (strncmp(name, "Sym", 3) != 0 && strncmp(name, "Alt", 3) != 0) return 0;
  const char *d = name + 3;
  if (!*d || strlen(d) > 7) return 0;
  for (const char *c = d; *c; c++)
    if (!isdigit((unsigned char)*c)) return 0;
  *k = atoi(d);
  return 1;
}

/* '[' FORMULA ']' after a power: the text between the brackets, for
 * weyl_rep_symmetrized (rep_sym.c reads it). */
static weyl_status parse_formula(parser *p, weyl_rep *base, int k, weyl_rep **next) {
  int open = p->pos - 1;
  const char *end = strchr(p->text + p->pos, ']');
  if (!end) return syntax(p, "expected ']' after the index formula");
  int len = (int)(end - (p->text + p->pos));
  char formula[NAME_CAP];
  if (len >= NAME_CAP) return syntax(p, "index formula too long");
  memcpy(formula, p->text + p->pos, (size_t)len);
  formula[len] = '\0';
  p->pos += len + 1;
  weyl_status s = weyl_rep_symmetrized(base, k, formula, next);
  return s == WEYL_OK ? s : located(p, s, open);
}

static weyl_status parse_primary(parser *p, weyl_rep **out) {
  skip_blanks(p);
  int at = p->pos;
  if (accept(p, "(")) {
    if (++p->depth > MAX_NEST) return syntax(p, "parentheses nested more than 100 deep");
    weyl_status s = parse_sum(p, out);
    p->depth--;
    if (s != WEYL_OK) return s;
    if (accept(p, ")")) return WEYL_OK;
    weyl_rep_free(*out);
    *out = NULL;
    return syntax(p, "expected ')'");
  }
  char name[NAME_CAP];
  weyl_status s = parse_name(p, name);
  if (s != WEYL_OK) return s;
  int power;
  if (sym_name(name, &power) && weyl_group_find_leaf(p->g, name) < 0) {
    weyl_rep *inner = NULL;
    if (!accept(p, "(")) return syntax(p, "expected '(' after Sym or Alt and its power");
    if (++p->depth > MAX_NEST) return syntax(p, "parentheses nested more than 100 deep");
    s = parse_sum(p, &inner);
    p->depth--;
    if (s == WEYL_OK && !accept(p, ")")) s = syntax(p, "expected ')'");
    if (s == WEYL_OK)
      s = name[0] == 'S' ? weyl_rep_sym(inner, power, out) : weyl_rep_alt(inner, power, out);
    else
      at = -1; /* already located */
    weyl_rep_free(inner);
  } else if (strcmp(name, "rot") == 0 && weyl_group_find_leaf(p->g, name) < 0) {
    int freq = 0, factor = 0;
    if (!accept(p, "(")) return syntax(p, "expected '(' after rot");
    if ((s = parse_int(p, &freq)) != WEYL_OK) return s;
    if (accept(p, ",")) {
      if ((s = parse_int(p, &factor)) != WEYL_OK) return s;
      if (factor < 1) return syntax(p, "factors of a product count from 1");
    }
    if (!accept(p, ")")) return syntax(p, "expected ')'");
    s = weyl_rep_rot_factor(p->g, freq, factor, out);
  } else if (weyl_group_find_leaf(p->g, name) >= 0 ||
             (strcmp(name, "V") == 0 && p->g->n_leaves > 0)) {
    s = weyl_rep_leaf(p->g, name, out);
  } else if (strcmp(name, "Scalar") == 0) {
    s = weyl_rep_scalar(p->g, out);
  } else if (strcmp(name, "regular") == 0) {
    s = weyl_rep_regular(p->g, out);
  } else {
    return unknown_name(p, name, at);
  }
  return s == WEYL_OK || at < 0 ? s : located(p, s, at);
}

static weyl_status parse_factor(parser *p, weyl_rep **out) {
  weyl_status s = parse_primary(p, out);
  if (s != WEYL_OK) return s;
  while (s == WEYL_OK) {
    int at = p->pos;
    weyl_rep *next = NULL;
    if (accept(p, "**")) {
      int k = 0;
      if ((s = parse_int(p, &k)) != WEYL_OK) break;
      if (accept(p, "["))
        s = parse_formula(p, *out, k, &next);
      else if ((s = weyl_rep_power(*out, k, &next)) != WEYL_OK)
        s = located(p, s, at);
    } else if (accept(p, ".T")) {
      s = weyl_rep_dual(*out, &next);
    } else {
      return WEYL_OK;
    }
    weyl_rep_free(*out);
    *out = next;
  }
  weyl_rep_free(*out);
  *out = NULL;
  return s;
}

static weyl_status parse_product(parser *p, weyl_rep **out) {
  int copies = 1, at = p->pos;
  weyl_status s;
  if (peek_int(p)) {
    if ((s = parse_int(p, &copies)) != WEYL_OK) return s;
    if (copies < 1) return syntax(p, "a copy count must be at least 1");
    if (!accept(p, "*")) return syntax(p, "expected '*' after a copy count");
  }
  if ((s = parse_factor(p, out)) != WEYL_OK) return s;
  while (accept(p, "*")) {
    weyl_rep *rhs = NULL, *t = NULL;
    int rat = p->pos;
    if ((s = parse_factor(p, &rhs)) == WEYL_OK && (s = weyl_rep_tensor(*out, rhs, &t)) != WEYL_OK)
      s = located(p, s, rat);
    weyl_rep_free(rhs);
    weyl_rep_free(*out);
    *out = t;
    if (s != WEYL_OK) return s;
  }
  if (copies > 1) {
    weyl_rep *c = NULL;
    s = weyl_rep_copies(*out, copies, &c);
    weyl_rep_free(*out);
    *out = c;
    if (s != WEYL_OK) return located(p, s, at);
  }
  return WEYL_OK;
}

static weyl_status parse_sum(parser *p, weyl_rep **out) {
  weyl_status s = parse_product(p, out);
  while (s == WEYL_OK && accept(p, "+")) {
    weyl_rep *rhs = NULL, *t = NULL;
    int at = p->pos;
    if ((s = parse_product(p, &rhs)) == WEYL_OK && (s = weyl_rep_sum(*out, rhs, &t)) != WEYL_OK)
      s = located(p, s, at);
    weyl_rep_free(rhs);
    weyl_rep_free(*out);
    *out = t;
  }
  return s;
}

weyl_status weyl_rep_parse(weyl_group *g, const char *expr, weyl_rep **rep) {
  if (!g || !expr || !rep) return weyl_fail(WEYL_EINVAL, "weyl_rep_parse: NULL argument");
  if (strlen(expr) > 4096) return weyl_fail(WEYL_ELIMIT, "expression longer than 4096 characters");
  parser p = {expr, 0, 0, g};
  weyl_rep *r = NULL;
  weyl_status s = parse_sum(&p, &r);
  if (s != WEYL_OK) return s;
  skip_blanks(&p);
  if (expr[p.pos] != '\0') {
    weyl_rep_free(r);
    return syntax(&p, "unexpected text");
  }
  *rep = r;
  return WEYL_OK;
}
