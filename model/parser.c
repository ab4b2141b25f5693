/* The CSPm parser: recursive descent for declarations, precedence climbing for expressions,
 * patterns parsed as expressions and converted (as libcspm does: `p <- e` and `e` cannot be
 * told apart before the `<-`).  Errors longjmp to the innermost declaration list that can
 * recover, which skips to the next line starting in column 1. */
#include "model/parser.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/lexer.h"

/* Binding powers, loosest first; see parser.h. */
enum prec {
    L_LOWEST, L_DOUBLEAT, L_HIDE, L_INTERLEAVE, L_PAR, L_INTCHOICE, L_EXTCHOICE, L_INTERRUPT,
    L_SLIDING, L_SEQ, L_PREFIX, L_FIELDS, L_DOT, L_OR, L_AND, L_NOT, L_CMP, L_ADD,
    L_MUL, L_HASH, L_CONCAT, L_APP,
};

/* Where a declaration list sits: what it may contain. */
enum {
    IN_LET = 1,       /* only definitions, annotations, external, transparent, Timed */
    IN_MODULE = 2,    /* no assert, no print */
    IN_TIMED = 4,     /* no print */
};

enum { MAX_INCLUDE_DEPTH = 64 };

struct vec {
    struct ast_node **v;
    uint32_t n, cap;
};

struct parser {
    struct cspm_module *m;
    struct arena *a;
    struct diag_list *diags;
    const struct cspm_file *file;
    struct token *toks;
    size_t pos;
    size_t decl_start;          /* index of the first token of the current declaration */
    int depth;                  /* recursion depth of expression parsing */
    int no_gt;                  /* directly inside < >: '>' closes the sequence */
    jmp_buf *recover;
    const char *include_stack[MAX_INCLUDE_DEPTH + 1];   /* canonical paths being parsed */
    int ninclude;
};

static void decls_into(struct parser *P, int flags, int end1, int end2, struct vec *out);
static struct ast_node *decl_list(struct parser *P, int flags, int end1, int end2);
static struct ast_node *expr(struct parser *P, int min);

/* ---- helpers ---- */

static void vec_push(struct parser *P, struct vec *v, struct ast_node *n)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? 2 * v->cap : 4;
        struct ast_node **nv = arena_alloc_raw(P->a, cap * sizeof *nv);
        if (v->n) memcpy(nv, v->v, v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = n;
}

static struct ast_node *items(struct parser *P, struct cspm_loc loc, const struct vec *v)
{
    return ast_new(P->a, AST_ITEMS, loc, v->v, v->n);
}

static const struct token *cur(const struct parser *P) { return &P->toks[P->pos]; }
static int kind(const struct parser *P) { return P->toks[P->pos].kind; }
static int kind_at(const struct parser *P, size_t k)
{
    size_t i = P->pos;
    for (size_t j = 0; j < k; j++, i++)
        if (P->toks[i].kind == TOK_EOF) return TOK_EOF;
    return P->toks[i].kind;
}
static const struct token *advance(struct parser *P)
{
    const struct token *t = &P->toks[P->pos];
    if (t->kind != TOK_EOF) P->pos++;
    return t;
}
static int accept(struct parser *P, int k)
{
    if (kind(P) != k) return 0;
    advance(P);
    return 1;
}

static struct cspm_loc loc_of(const struct parser *P, const struct token *t)
{
    return (struct cspm_loc){P->file, t->line, t->col};
}
static struct cspm_loc here(const struct parser *P) { return loc_of(P, cur(P)); }

/* "'foo'", "'->'", "end of line" … for "found …" in messages. */
static const char *describe(struct parser *P, const struct token *t)
{
    switch (t->kind) {
    case TOK_IDENT: {
        char *s = arena_alloc(P->a, t->len + 3);
        snprintf(s, t->len + 3, "'%s'", t->text);
        return s;
    }
    case TOK_INT: {
        char *s = arena_alloc(P->a, 32);
        snprintf(s, 32, "'%lld'", (long long)t->num);
        return s;
    }
    case TOK_NEWLINE: return "the end of the line";
    case TOK_EOF: return "the end of the file";
    case TOK_REFINES: {
        char *s = arena_alloc(P->a, 16);
        snprintf(s, 16, "'[%s='", lex_model_name((enum lex_model)t->model));
        return s;
    }
    case TOK_PROPERTY: {
        size_t n = t->len + 8;
        char *s = arena_alloc(P->a, n);
        snprintf(s, n, "':[%s]'", t->text);
        return s;
    }
    default: return lex_token_name((enum tok_kind)t->kind);
    }
}

/* Records an error at LOC and abandons the current declaration.  An error token was already
 * reported by the lexer, so it adds nothing then. */
static _Noreturn void fail_at(struct parser *P, struct cspm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void fail_at(struct parser *P, struct cspm_loc loc, const char *fmt, ...)
{
    if (cur(P)->kind != TOK_ERROR) {
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        diag_error(P->diags, loc, "%s", buf);
    }
    longjmp(*P->recover, 1);
}

static _Noreturn void expected(struct parser *P, const char *what)
{
    /* A line read as the continuation of the one before is the usual surprise: say so. */
    const struct token *t = cur(P);
    for (size_t i = P->pos; i > P->decl_start && t->kind != TOK_EOF; i--) {
        const struct token *a = &P->toks[i - 1], *b = &P->toks[i];
        if (a->line < b->line && (lex_token_newline_flags((enum tok_kind)a->kind) & NL_AFTER))
            fail_at(P, here(P), "expected %s, found %s (line %u ends with %s, so line %u "
                                "continues the same definition)",
                    what, describe(P, t), a->line, describe(P, a), b->line);
    }
    fail_at(P, here(P), "expected %s, found %s", what, describe(P, t));
}

static const struct token *expect(struct parser *P, int k, const char *what)
{
    if (kind(P) != k) expected(P, what);
    return advance(P);
}

static void enter(struct parser *P)
{
    if (++P->depth > AST_MAX_NESTING)
        fail_at(P, here(P), "expression nested too deeply (more than %d levels)", AST_MAX_NESTING);
}
static void leave(struct parser *P) { P->depth--; }

static struct ast_node *tall(struct parser *P, struct ast_node *n)
{
    if (n->height > AST_MAX_HEIGHT)
        fail_at(P, n->loc, "expression too deep (more than %d nested operators)", AST_MAX_HEIGHT);
    return n;
}

static struct ast_node *name_node(struct parser *P, enum ast_kind k, const struct token *t)
{
    struct ast_node *n = ast_new0(P->a, k, loc_of(P, t));
    n->name = t->text;
    n->len = t->len;
    return n;
}

/* ---- patterns ---- */

/* Converts expression E (parsed where a pattern is expected) into a pattern. */
static struct ast_node *to_pattern(struct parser *P, struct ast_node *e)
{
    static const struct { uint16_t from, to; } same[] = {
        {AST_INT, AST_P_INT},       {AST_CHAR, AST_P_CHAR},   {AST_STRING, AST_P_STRING},
        {AST_BOOL, AST_P_BOOL},     {AST_VAR, AST_P_VAR},     {AST_WILDCARD, AST_P_WILD},
        {AST_TUPLE, AST_P_TUPLE},   {AST_LIST, AST_P_LIST},   {AST_CONCAT, AST_P_CONCAT},
        {AST_SET, AST_P_SET},       {AST_DOT, AST_P_DOT},     {AST_DOUBLE, AST_P_DOUBLE},
    };
    if (e->kind == AST_NEG && e->kids[0]->kind == AST_INT) {
        struct ast_node *p = ast_new0(P->a, AST_P_INT, e->loc);
        p->num = -e->kids[0]->num;
        return p;
    }
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (e->kind != same[i].from) continue;
        struct ast_node *p = ast_new(P->a, (enum ast_kind)same[i].to, e->loc, e->kids, e->nkids);
        p->name = e->name;
        p->len = e->len;
        p->num = e->num;
        for (uint32_t k = 0; k < p->nkids; k++) p->kids[k] = to_pattern(P, p->kids[k]);
        return p;
    }
    if (e->kind == AST_NEG)
        fail_at(P, e->loc, "invalid pattern: only integer literals can be negated in a pattern");
    fail_at(P, e->loc, "invalid pattern: '%s' cannot appear in a pattern", ast_kind_name(e->kind));
}

/* ---- expressions ---- */

/* An expression inside brackets: '>' is an operator again there. */
static struct ast_node *inner(struct parser *P, int min)
{
    int saved = P->no_gt;
    P->no_gt = 0;
    struct ast_node *e = expr(P, min);
    P->no_gt = saved;
    return e;
}
static struct ast_node *inner_full(struct parser *P) { return inner(P, L_LOWEST); }

/* stmt -> pattern ('<-' | ':') expr | expr */
static struct ast_node *stmt(struct parser *P)
{
    struct ast_node *e = expr(P, L_LOWEST);
    if (kind(P) == TOK_DRAWN || kind(P) == TOK_COLON) {
        advance(P);
        struct ast_node *pat = to_pattern(P, e);
        return ast_new2(P->a, AST_GEN, e->loc, pat, expr(P, L_LOWEST));
    }
    return ast_new1(P->a, AST_PRED, e->loc, e);
}

/* stmts -> stmt {',' stmt} */
static struct ast_node *stmts(struct parser *P)
{
    struct vec v = {0};
    struct cspm_loc loc = here(P);
    do vec_push(P, &v, stmt(P));
    while (accept(P, TOK_COMMA));
    return items(P, loc, &v);
}

static struct ast_node *no_stmts(struct parser *P)
{
    return ast_new0(P->a, AST_ITEMS, here(P));
}

/* exprs -> expr {',' expr}, appended to V */
static void expr_list(struct parser *P, struct vec *v)
{
    do vec_push(P, v, expr(P, L_LOWEST));
    while (accept(P, TOK_COMMA));
}

/* tie -> expr '<->' expr;  ties -> tie {',' tie} */
static struct ast_node *ties(struct parser *P, enum ast_kind pair, int op, const char *what)
{
    struct vec v = {0};
    struct cspm_loc loc = here(P);
    do {
        struct ast_node *a = expr(P, L_LOWEST);
        expect(P, op, what);
        vec_push(P, &v, ast_new2(P->a, pair, a->loc, a, expr(P, L_LOWEST)));
    } while (accept(P, TOK_COMMA));
    return items(P, loc, &v);
}

/* range -> expr '..' [expr] ['|' stmts], after the '..' */
static struct ast_node *range(struct parser *P, enum ast_kind from, enum ast_kind fromto,
                              int close, struct cspm_loc loc, struct ast_node *first)
{
    struct ast_node *k[3] = {first};
    uint32_t n = 1;
    if (kind(P) != close && kind(P) != TOK_PIPE) k[n++] = expr(P, L_LOWEST);
    if (accept(P, TOK_PIPE)) k[n++] = stmts(P);
    return ast_new(P->a, n > 1 && k[1]->kind != AST_ITEMS ? fromto : from, loc, k, n);
}

/* seq -> '<' exprs ['|' stmts] '>' | '<' expr '..' [expr] '>' */
static struct ast_node *sequence(struct parser *P, struct cspm_loc loc)
{
    int saved = P->no_gt;
    P->no_gt = 1;
    struct ast_node *first = expr(P, L_LOWEST), *n;
    if (accept(P, TOK_DOTDOT)) {
        n = range(P, AST_LIST_FROM, AST_LIST_RANGE, TOK_GT, loc, first);
    } else {
        struct vec v = {0};
        vec_push(P, &v, first);
        while (accept(P, TOK_COMMA)) vec_push(P, &v, expr(P, L_LOWEST));
        if (accept(P, TOK_PIPE))
            n = ast_new2(P->a, AST_LIST_COMP, loc, items(P, loc, &v), stmts(P));
        else
            n = ast_new(P->a, AST_LIST, loc, v.v, v.n);
    }
    expect(P, TOK_GT, "'>' to close the sequence");
    P->no_gt = saved;
    return n;
}

/* set -> '{' [exprs ['|' stmts]] '}' | '{' expr '..' [expr] '}' */
static struct ast_node *set(struct parser *P, struct cspm_loc loc)
{
    struct ast_node *n;
    if (accept(P, TOK_RBRACE)) return ast_new0(P->a, AST_SET, loc);
    struct ast_node *first = inner_full(P);
    int saved = P->no_gt;
    P->no_gt = 0;
    if (accept(P, TOK_DOTDOT)) {
        n = range(P, AST_SET_FROM, AST_SET_RANGE, TOK_RBRACE, loc, first);
    } else {
        struct vec v = {0};
        vec_push(P, &v, first);
        while (accept(P, TOK_COMMA)) vec_push(P, &v, expr(P, L_LOWEST));
        if (accept(P, TOK_PIPE))
            n = ast_new2(P->a, AST_SET_COMP, loc, items(P, loc, &v), stmts(P));
        else
            n = ast_new(P->a, AST_SET, loc, v.v, v.n);
    }
    P->no_gt = saved;
    expect(P, TOK_RBRACE, "'}' to close the set");
    return n;
}

/* enumset -> '{|' exprs ['|' stmts] '|}' */
static struct ast_node *enum_set(struct parser *P, struct cspm_loc loc)
{
    int saved = P->no_gt;
    P->no_gt = 0;
    struct vec v = {0};
    expr_list(P, &v);
    struct ast_node *n;
    if (accept(P, TOK_PIPE))
        n = ast_new2(P->a, AST_ENUM_SET_COMP, loc, items(P, loc, &v), stmts(P));
    else
        n = ast_new(P->a, AST_ENUM_SET, loc, v.v, v.n);
    P->no_gt = saved;
    expect(P, TOK_RPIPEBRACE, "'|}' to close the set of events");
    return n;
}

/* map -> '(|' [expr '=>' expr {',' expr '=>' expr}] '|)' */
static struct ast_node *map(struct parser *P, struct cspm_loc loc)
{
    int saved = P->no_gt;
    P->no_gt = 0;
    struct vec v = {0};
    if (kind(P) != TOK_RMAP) {
        do {
            struct ast_node *k = expr(P, L_LOWEST);
            expect(P, TOK_YIELD, "'=>' between a key and its value");
            vec_push(P, &v, ast_new2(P->a, AST_MAPLET, k->loc, k, expr(P, L_LOWEST)));
        } while (accept(P, TOK_COMMA));
    }
    P->no_gt = saved;
    expect(P, TOK_RMAP, "'|)' to close the map");
    return ast_new(P->a, AST_MAP, loc, v.v, v.n);
}

/* The replicated operators: '[]' stmts '@' P, '|~|' …, '|||' …, ';' …,
 * '||' stmts '@' '[' A ']' P, '[|' A '|]' stmts '@' P, '[' ties ['|' stmts] ']' stmts '@' P,
 * '[+' A '+]' stmts '@' P */
static struct ast_node *replicated(struct parser *P, const struct token *op)
{
    struct cspm_loc loc = loc_of(P, op);
    struct ast_node *a, *s, *body, *ts, *tstmts;
    int saved = P->no_gt;
    P->no_gt = 0;
    switch (op->kind) {
    case TOK_PARALLEL:
        s = stmts(P);
        expect(P, TOK_AT, "'@' after the generators");
        expect(P, TOK_LBRACKET, "'[' before the alphabet of a replicated '||'");
        a = expr(P, L_LOWEST);
        expect(P, TOK_RBRACKET, "']' after the alphabet");
        P->no_gt = saved;
        return ast_new3(P->a, AST_REP_ALPHA_PAR, loc, s, a, expr(P, L_PAR + 1));
    case TOK_LPAR:
    case TOK_LSYNC:
        a = expr(P, L_LOWEST);
        expect(P, op->kind == TOK_LPAR ? TOK_RPAR : TOK_RSYNC,
               op->kind == TOK_LPAR ? "'|]'" : "'+]'");
        s = stmts(P);
        expect(P, TOK_AT, "'@' after the generators");
        P->no_gt = saved;
        body = expr(P, L_LOWEST);
        return ast_new3(P->a, op->kind == TOK_LPAR ? AST_REP_GEN_PAR : AST_REP_SYNC_EXT_CHOICE,
                        loc, a, s, body);
    case TOK_LBRACKET: {
        ts = ties(P, AST_TIE, TOK_TIE, "'<->' in a linked parallel");
        tstmts = accept(P, TOK_PIPE) ? stmts(P) : no_stmts(P);
        expect(P, TOK_RBRACKET, "']' to close the links");
        s = stmts(P);
        expect(P, TOK_AT, "'@' after the generators");
        P->no_gt = saved;
        struct ast_node *k[] = {ts, tstmts, s, expr(P, L_LOWEST)};
        return ast_new(P->a, AST_REP_LINK_PAR, loc, k, 4);
    }
    default: {
        enum ast_kind kind_ = op->kind == TOK_EXTCHOICE ? AST_REP_EXT_CHOICE
                            : op->kind == TOK_INTCHOICE ? AST_REP_INT_CHOICE
                            : op->kind == TOK_INTERLEAVE ? AST_REP_INTERLEAVE
                            : AST_REP_SEQ_COMP;
        s = stmts(P);
        expect(P, TOK_AT, "'@' after the generators");
        P->no_gt = saved;
        return ast_new2(P->a, kind_, loc, s, expr(P, L_LOWEST));
    }
    }
}

/* A name, possibly module-qualified: ident {'::' ident}. */
static struct ast_node *qualified_name(struct parser *P, enum ast_kind k)
{
    const struct token *t = advance(P);
    struct ast_node *n = name_node(P, k, t);
    while (kind(P) == TOK_DCOLON && kind_at(P, 1) == TOK_IDENT) {
        advance(P);
        const struct token *u = advance(P);
        size_t len = n->len + 2 + u->len;
        char *s = arena_alloc(P->a, len + 1);
        snprintf(s, len + 1, "%s::%s", n->name, u->text);
        n->name = s;
        n->len = (uint32_t)len;
    }
    return n;
}

/* primary -> literal | name | '(' exprs ')' | seq | set | enumset | map | '-' e | '#' e |
 *            'not' e | 'if' … | 'let' … | '\' pats '@' e | replicated */
static struct ast_node *primary(struct parser *P)
{
    const struct token *t = cur(P);
    struct cspm_loc loc = loc_of(P, t);
    struct ast_node *n;
    switch (t->kind) {
    case TOK_INT:
    case TOK_CHAR:
        advance(P);
        n = ast_new0(P->a, t->kind == TOK_INT ? AST_INT : AST_CHAR, loc);
        n->num = t->num;
        return n;
    case TOK_STRING:
        advance(P);
        n = ast_new0(P->a, AST_STRING, loc);
        n->name = t->text;
        n->len = t->len;
        return n;
    case TOK_KW_TRUE:
    case TOK_KW_FALSE:
        advance(P);
        n = ast_new0(P->a, AST_BOOL, loc);
        n->num = t->kind == TOK_KW_TRUE;
        return n;
    case TOK_IDENT: return qualified_name(P, AST_VAR);
    case TOK_WILDCARD: advance(P); return ast_new0(P->a, AST_WILDCARD, loc);
    case TOK_LPAREN: {
        advance(P);
        int saved = P->no_gt;
        P->no_gt = 0;
        struct vec v = {0};
        expr_list(P, &v);
        P->no_gt = saved;
        expect(P, TOK_RPAREN, v.n > 1 ? "',' or ')' in the tuple" : "')'");
        return v.n == 1 ? v.v[0] : ast_new(P->a, AST_TUPLE, loc, v.v, v.n);
    }
    case TOK_LMAP: advance(P); return map(P, loc);
    case TOK_EMPTYSEQ: advance(P); return ast_new0(P->a, AST_LIST, loc);
    case TOK_LT: advance(P); return sequence(P, loc);
    case TOK_LBRACE: advance(P); return set(P, loc);
    case TOK_LPIPEBRACE: advance(P); return enum_set(P, loc);
    /* Prefix operators take an operand that binds tighter than they do. */
    case TOK_MINUS: advance(P); return ast_new1(P->a, AST_NEG, loc, expr(P, L_ADD + 1));
    case TOK_HASH: advance(P); return ast_new1(P->a, AST_LEN, loc, expr(P, L_HASH + 1));
    case TOK_KW_NOT: advance(P); return ast_new1(P->a, AST_NOT, loc, expr(P, L_NOT + 1));
    case TOK_KW_IF: {
        advance(P);
        struct ast_node *c = expr(P, L_LOWEST);
        expect(P, TOK_KW_THEN, "'then'");
        struct ast_node *a = expr(P, L_LOWEST);
        expect(P, TOK_KW_ELSE, "'else'");
        return ast_new3(P->a, AST_IF, loc, c, a, expr(P, L_LOWEST));
    }
    case TOK_KW_LET: {
        advance(P);
        int saved = P->no_gt;
        P->no_gt = 0;
        struct ast_node *d = decl_list(P, IN_LET, TOK_KW_WITHIN, TOK_KW_WITHIN);
        if (d->nkids == 0) expected(P, "a definition after 'let'");
        expect(P, TOK_KW_WITHIN, "'within'");
        P->no_gt = saved;
        return ast_new2(P->a, AST_LET, loc, d, expr(P, L_LOWEST));
    }
    case TOK_BACKSLASH: {
        advance(P);
        struct vec v = {0};
        do vec_push(P, &v, to_pattern(P, expr(P, L_LOWEST)));
        while (accept(P, TOK_COMMA));
        expect(P, TOK_AT, "'@' after the parameters of the lambda");
        return ast_new2(P->a, AST_LAMBDA, loc, items(P, loc, &v), expr(P, L_LOWEST));
    }
    case TOK_EXTCHOICE:
    case TOK_INTCHOICE:
    case TOK_INTERLEAVE:
    case TOK_SEMI:
    case TOK_PARALLEL:
    case TOK_LPAR:
    case TOK_LSYNC:
    case TOK_LBRACKET:
        advance(P);
        return replicated(P, t);
    case TOK_KW_INCLUDE:
        fail_at(P, loc, "'include' must start a line of its own, between definitions");
    default: expected(P, "an expression");
    }
}

struct binop {
    uint8_t prec;
    uint8_t right;          /* right-associative */
    uint16_t node;
};

static int binop(int tok, struct binop *b)
{
    switch (tok) {
#define B(t, p, r, n) case TOK_##t: *b = (struct binop){p, r, AST_##n}; return 1;
    B(ATAT, L_DOUBLEAT, 0, DOUBLE)
    B(INTERLEAVE, L_INTERLEAVE, 0, INTERLEAVE)
    B(INTCHOICE, L_INTCHOICE, 0, INT_CHOICE)
    B(EXTCHOICE, L_EXTCHOICE, 0, EXT_CHOICE)
    B(INTERRUPT, L_INTERRUPT, 0, INTERRUPT)
    B(SLIDING, L_SLIDING, 0, SLIDING)
    B(SEMI, L_SEQ, 0, SEQ_COMP)
    B(AMP, L_PREFIX, 1, GUARD)
    B(BACKSLASH, L_HIDE, 0, HIDE)
    B(PROJECT, L_HIDE, 0, PROJECT)
    B(DOT, L_DOT, 1, DOT)
    B(KW_OR, L_OR, 0, OR)
    B(KW_AND, L_AND, 0, AND)
    B(EQ, L_CMP, 0, EQ)
    B(NE, L_CMP, 0, NE)
    B(LT, L_CMP, 0, LT)
    B(GT, L_CMP, 0, GT)
    B(LE, L_CMP, 0, LE)
    B(GE, L_CMP, 0, GE)
    B(PLUS, L_ADD, 0, ADD)
    B(MINUS, L_ADD, 0, SUB)
    B(STAR, L_MUL, 0, MUL)
    B(SLASH, L_MUL, 0, DIV)
    B(PERCENT, L_MUL, 0, MOD)
    B(CARET, L_CONCAT, 0, CONCAT)
#undef B
    default: return 0;
    }
}

/* prefix -> event {field} '->' proc;  field -> '!' e | '?' pat [':' e] | '$' pat [':' e] */
static struct ast_node *prefix(struct parser *P, struct ast_node *event)
{
    struct vec v = {0};
    struct cspm_loc floc = here(P);
    while (kind(P) == TOK_QUESTION || kind(P) == TOK_BANG || kind(P) == TOK_DOLLAR) {
        const struct token *t = advance(P);
        struct cspm_loc loc = loc_of(P, t);
        struct ast_node *e = expr(P, L_FIELDS + 1);
        if (t->kind == TOK_BANG) {
            vec_push(P, &v, ast_new1(P->a, AST_FIELD_OUT, loc, e));
            continue;
        }
        enum ast_kind k = t->kind == TOK_QUESTION ? AST_FIELD_IN : AST_FIELD_NDIN;
        struct ast_node *pat = to_pattern(P, e);
        if (accept(P, TOK_COLON))
            vec_push(P, &v, ast_new2(P->a, k, loc, pat, expr(P, L_FIELDS + 1)));
        else
            vec_push(P, &v, ast_new1(P->a, k, loc, pat));
    }
    expect(P, TOK_ARROW, v.n ? "'->' after the communication" : "'->'");
    struct ast_node *body = expr(P, L_PREFIX);
    return ast_new3(P->a, AST_PREFIX, event->loc, event, items(P, floc, &v), body);
}

/* expr -> primary {binop expr | postfix} by precedence climbing (see parser.h). */
static struct ast_node *expr(struct parser *P, int min)
{
    enter(P);
    struct ast_node *left = primary(P);
    for (;;) {
        int t = kind(P);
        struct binop b;
        struct cspm_loc loc = left->loc;
        if (t == TOK_GT && P->no_gt) break;
        if (binop(t, &b)) {
            if (b.prec < min) break;
            advance(P);
            /* The hidden set ends at the next process operator: `P \ A [] Q` is
             * `(P \ A) [] Q`, while L_HIDE, the loosest process level, makes the hidden
             * process everything before the `\`: `P [] Q \ A` is `(P [] Q) \ A`. */
            int rmin = b.prec == L_HIDE ? L_DOT : b.right ? b.prec : b.prec + 1;
            struct ast_node *right = expr(P, rmin);
            left = tall(P, ast_new2(P->a, (enum ast_kind)b.node, loc, left, right));
            if (b.prec == L_CMP || b.prec == L_DOUBLEAT) {
                struct binop c;
                if (binop(kind(P), &c) && c.prec == b.prec && !(kind(P) == TOK_GT && P->no_gt))
                    fail_at(P, here(P), "%s cannot follow another %s without parentheses",
                            describe(P, cur(P)),
                            b.prec == L_CMP ? "comparison" : "'@@'");
            }
            continue;
        }
        switch (t) {
        case TOK_ARROW:
        case TOK_QUESTION:
        case TOK_BANG:
        case TOK_DOLLAR:
            if (min > L_PREFIX) goto done;
            left = tall(P, prefix(P, left));
            continue;
        case TOK_LPAREN: {      /* application f(x, y) */
            advance(P);
            struct vec v = {0};
            vec_push(P, &v, left);
            int saved = P->no_gt;
            P->no_gt = 0;
            if (kind(P) != TOK_RPAREN) expr_list(P, &v);
            P->no_gt = saved;
            expect(P, TOK_RPAREN, "',' or ')' after the arguments");
            left = tall(P, ast_new(P->a, AST_APP, loc, v.v, v.n));
            continue;
        }
        case TOK_LRENAME: {     /* renaming P[[a <- b, … | stmts]] */
            advance(P);
            int saved = P->no_gt;
            P->no_gt = 0;
            struct ast_node *r = ties(P, AST_RENAMING, TOK_DRAWN, "'<-' in a renaming");
            struct ast_node *s = accept(P, TOK_PIPE) ? stmts(P) : no_stmts(P);
            P->no_gt = saved;
            expect(P, TOK_RRENAME, "']]' to close the renaming");
            left = tall(P, ast_new3(P->a, AST_RENAME, loc, left, r, s));
            continue;
        }
        case TOK_LPAR:          /* P [| A |] Q and P [| A |> Q */
        case TOK_LBRACKET: {    /* P [A || B] Q and P [c <-> d] Q */
            if (min > L_PAR) goto done;
            advance(P);
            struct ast_node *a = inner_full(P), *n;
            int saved = P->no_gt;
            P->no_gt = 0;
            if (t == TOK_LPAR) {
                if (!accept(P, TOK_RPAR) && !accept(P, TOK_EXCEPTION)) expected(P, "'|]' or '|>'");
                enum ast_kind k = P->toks[P->pos - 1].kind == TOK_RPAR ? AST_GEN_PAR : AST_EXCEPTION;
                P->no_gt = saved;
                n = ast_new3(P->a, k, loc, left, a, expr(P, L_PAR + 1));
            } else if (accept(P, TOK_PARALLEL)) {
                struct ast_node *b2 = expr(P, L_LOWEST);
                expect(P, TOK_RBRACKET, "']' to close the alphabets");
                P->no_gt = saved;
                struct ast_node *k[] = {left, a, b2, expr(P, L_PAR + 1)};
                n = ast_new(P->a, AST_ALPHA_PAR, loc, k, 4);
            } else if (accept(P, TOK_TIE)) {
                struct vec v = {0};
                vec_push(P, &v, ast_new2(P->a, AST_TIE, a->loc, a, expr(P, L_LOWEST)));
                while (accept(P, TOK_COMMA)) {
                    struct ast_node *x = expr(P, L_LOWEST);
                    expect(P, TOK_TIE, "'<->' in a linked parallel");
                    vec_push(P, &v, ast_new2(P->a, AST_TIE, x->loc, x, expr(P, L_LOWEST)));
                }
                struct ast_node *s = accept(P, TOK_PIPE) ? stmts(P) : no_stmts(P);
                expect(P, TOK_RBRACKET, "']' to close the links");
                P->no_gt = saved;
                struct ast_node *k[] = {left, items(P, a->loc, &v), s, expr(P, L_PAR + 1)};
                n = ast_new(P->a, AST_LINK_PAR, loc, k, 4);
            } else {
                expected(P, "'||' or '<->' inside '[ ]'");
            }
            left = tall(P, n);
            continue;
        }
        case TOK_LSYNC:         /* P [+ A +] Q */
        case TOK_LSYNCINT: {    /* P /+ A +\ Q */
            int prec = t == TOK_LSYNC ? L_EXTCHOICE : L_INTERRUPT;
            if (min > prec) goto done;
            advance(P);
            struct ast_node *a = inner_full(P);
            expect(P, t == TOK_LSYNC ? TOK_RSYNC : TOK_RSYNCINT, t == TOK_LSYNC ? "'+]'" : "'+\\'");
            struct ast_node *right = expr(P, prec + 1);
            left = tall(P, ast_new3(P->a, t == TOK_LSYNC ? AST_SYNC_EXT_CHOICE : AST_SYNC_INTERRUPT,
                                    loc, left, a, right));
            continue;
        }
        default: goto done;
        }
    }
done:
    leave(P);
    return left;
}

/* ---- types (annotations) ---- */

static struct ast_node *type(struct parser *P);
static struct ast_node *type_atom(struct parser *P);
static struct ast_node *dotted_type(struct parser *P);

static int is_type_class(const char *s)
{
    static const char *const classes[] = {"Eq", "Ord", "Set", "Inputable", "Complete", "Yieldable"};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(s, classes[i]) == 0) return 1;
    return 0;
}

/* constraint -> Class type_atom */
static struct ast_node *constraint(struct parser *P)
{
    const struct token *c = expect(P, TOK_IDENT, "a type class");
    if (!is_type_class(c->text))
        fail_at(P, loc_of(P, c), "unknown type class '%s' (expected Eq, Ord, Set, Inputable, "
                                 "Complete or Yieldable)", c->text);
    struct ast_node *n = ast_new1(P->a, AST_T_CONSTRAINT, loc_of(P, c), type_atom(P));
    n->name = c->text;
    n->len = c->len;
    return n;
}

/* type_atom -> '(' [types] ')' ['->' type] | '<' type '>' | '{' type '}' |
 *              '(|' type '=>' type '|)' | name */
static struct ast_node *type_atom(struct parser *P)
{
    enter(P);
    const struct token *t = cur(P);
    struct cspm_loc loc = loc_of(P, t);
    struct ast_node *n;
    switch (t->kind) {
    case TOK_LPAREN: {
        advance(P);
        struct vec v = {0};
        if (kind(P) != TOK_RPAREN) {
            do vec_push(P, &v, type(P));
            while (accept(P, TOK_COMMA));
        }
        expect(P, TOK_RPAREN, "')' in the type");
        if (accept(P, TOK_ARROW)) {
            struct ast_node *r = type(P);
            n = ast_new2(P->a, AST_T_FUN, loc, items(P, loc, &v), r);
        } else if (v.n == 1) {
            n = v.v[0];
        } else if (v.n == 0) {
            expected(P, "'->' after '()'");
        } else {
            n = ast_new(P->a, AST_T_TUPLE, loc, v.v, v.n);
        }
        break;
    }
    case TOK_LT:
        advance(P);
        n = ast_new1(P->a, AST_T_SEQ, loc, type(P));
        expect(P, TOK_GT, "'>' in the sequence type");
        break;
    case TOK_LBRACE:
        advance(P);
        n = ast_new1(P->a, AST_T_SET, loc, type(P));
        expect(P, TOK_RBRACE, "'}' in the set type");
        break;
    case TOK_LMAP: {
        advance(P);
        struct ast_node *k = dotted_type(P);
        expect(P, TOK_YIELD, "'=>' in the map type");
        struct ast_node *v = type(P);
        expect(P, TOK_RMAP, "'|)' in the map type");
        n = ast_new2(P->a, AST_T_MAP, loc, k, v);
        break;
    }
    case TOK_IDENT: n = qualified_name(P, AST_T_NAME); break;
    default: expected(P, "a type");
    }
    if (kind(P) == TOK_ARROW && n->kind != AST_T_FUN)
        fail_at(P, here(P), "the arguments of a function type are written in parentheses, "
                            "as in (a) -> b");
    leave(P);
    return n;
}

/* dotted_type -> type_atom ['.' dotted_type] */
static struct ast_node *dotted_type(struct parser *P)
{
    enter(P);
    struct ast_node *t = type_atom(P);
    if (accept(P, TOK_DOT)) t = ast_new2(P->a, AST_T_DOT, t->loc, t, dotted_type(P));
    leave(P);
    return t;
}

/* type -> dotted_type [('=>' | '=>*') type] */
static struct ast_node *type(struct parser *P)
{
    enter(P);
    struct ast_node *t = dotted_type(P);
    if (kind(P) == TOK_YIELD || kind(P) == TOK_YIELDSTAR) {
        enum ast_kind k = advance(P)->kind == TOK_YIELD ? AST_T_YIELD : AST_T_YIELD_STAR;
        t = ast_new2(P->a, k, t->loc, t, type(P));
    }
    leave(P);
    return t;
}

/* scheme -> [constraint '=>' | '(' constraint {',' constraint} ')' '=>'] type */
static struct ast_node *scheme(struct parser *P)
{
    struct cspm_loc loc = here(P);
    struct vec cs = {0};
    if (kind(P) == TOK_IDENT && kind_at(P, 1) == TOK_IDENT) {
        vec_push(P, &cs, constraint(P));
        expect(P, TOK_YIELD, "'=>' after the type constraint");
    } else if (kind(P) == TOK_LPAREN && kind_at(P, 1) == TOK_IDENT && kind_at(P, 2) == TOK_IDENT) {
        advance(P);
        do vec_push(P, &cs, constraint(P));
        while (accept(P, TOK_COMMA));
        expect(P, TOK_RPAREN, "')' after the type constraints");
        expect(P, TOK_YIELD, "'=>' after the type constraints");
    }
    struct ast_node *t = type(P);
    return ast_new2(P->a, AST_T_SCHEME, loc, items(P, loc, &cs), t);
}

/* ---- assertions ---- */

/* The words of a `:[ … ]` property, '-' read as a space, and the model of a trailing
 * "[F]"-style suffix (0 if none, -1 if the suffix is not a model). */
static void property_words(const char *text, char *words, size_t cap, char *suffix, size_t scap)
{
    size_t n = 0;
    const char *p = text;
    suffix[0] = '\0';
    while (*p && *p != '[') {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '-') {
            if (n > 0 && words[n - 1] != ' ' && n + 1 < cap) words[n++] = ' ';
        } else if (n + 1 < cap) {
            words[n++] = *p;
        }
        p++;
    }
    while (n > 0 && words[n - 1] == ' ') n--;
    words[n] = '\0';
    if (*p == '[') {
        p++;
        size_t k = 0;
        while (*p && *p != ']' && k + 1 < scap) {
            if (*p != ' ' && *p != '\t') suffix[k++] = *p;
            p++;
        }
        suffix[k] = '\0';
        if (*p != ']') suffix[0] = '?';
    }
}

static int model_of(const char *s)
{
    for (int m = MODEL_T; m <= MODEL_VD; m++)
        if (strcmp(s, lex_model_name((enum lex_model)m)) == 0) return m;
    return -1;
}

/* options -> {':[tau priority over]:' expr | ':[partial order reduce [variant]]'} */
static struct ast_node *assert_options(struct parser *P)
{
    struct vec v = {0};
    struct cspm_loc loc = here(P);
    int tau = 0, por = 0;
    while (kind(P) == TOK_PROPERTY) {
        const struct token *t = advance(P);
        char words[64], suffix[32];
        property_words(t->text, words, sizeof words, suffix, sizeof suffix);
        if (strcmp(words, "tau priority") == 0 || strcmp(words, "tau priority over") == 0) {
            if (tau++)
                fail_at(P, loc_of(P, t), "an assertion takes at most one ':[tau priority over]:'");
            expect(P, TOK_COLON, "':' after ':[tau priority over]'");
            vec_push(P, &v, ast_new1(P->a, AST_O_TAU_PRIORITY, loc_of(P, t), expr(P, L_LOWEST)));
        } else if (strcmp(words, "partial order reduce") == 0) {
            static const char *const variants[] = {"", "fast", "precise", "hybrid"};
            int which = -1;
            for (int i = 0; i < 4; i++)
                if (strcmp(suffix, variants[i]) == 0) which = i;
            if (which < 0)
                fail_at(P, loc_of(P, t), "unknown partial order reduction '[%s]' (expected "
                                         "[fast], [precise] or [hybrid])", suffix);
            if (por++)
                fail_at(P, loc_of(P, t), "an assertion takes at most one ':[partial order reduce]'");
            struct ast_node *o = ast_new0(P->a, AST_O_POR, loc_of(P, t));
            o->aux = which;
            vec_push(P, &v, o);
        } else {
            fail_at(P, loc_of(P, t), "unknown assertion option ':[%s]'", t->text);
        }
    }
    return items(P, loc, &v);
}

/* assertion -> ['not'] expr refines expr options
 *            | ['not'] expr ':[' property [model] ']' options
 *            | ['not'] expr ':[has trace' [model] ']:' expr options */
static struct ast_node *assertion(struct parser *P)
{
    struct cspm_loc loc = here(P);
    int negated = accept(P, TOK_KW_NOT);
    struct ast_node *proc = expr(P, L_LOWEST), *a;
    if (kind(P) == TOK_REFINES) {
        const struct token *r = advance(P);
        struct ast_node *impl = expr(P, L_LOWEST);
        a = ast_new3(P->a, AST_A_REFINE, proc->loc, proc, impl, assert_options(P));
        a->aux = r->model;
    } else if (kind(P) == TOK_PROPERTY) {
        const struct token *t = advance(P);
        char words[64], suffix[32];
        property_words(t->text, words, sizeof words, suffix, sizeof suffix);
        int model = suffix[0] ? model_of(suffix) : 0;
        if (model < 0)
            fail_at(P, loc_of(P, t), "unknown semantic model '[%s]' (expected [T], [F], [FD], "
                                     "[R], [RD], [V] or [VD])", suffix);
        if (strcmp(words, "has trace") == 0) {
            accept(P, TOK_COLON);
            struct ast_node *trace = expr(P, L_LOWEST);
            a = ast_new3(P->a, AST_A_HAS_TRACE, proc->loc, proc, trace, assert_options(P));
        } else {
            static const struct { const char *words; int prop; } props[] = {
                {"deadlock free", PROP_DEADLOCK_FREE},   {"divergence free", PROP_DIVERGENCE_FREE},
                {"livelock free", PROP_LIVELOCK_FREE},   {"deterministic", PROP_DETERMINISTIC},
            };
            int prop = -1;
            for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
                if (strcmp(words, props[i].words) == 0) prop = props[i].prop;
            if (prop < 0)
                fail_at(P, loc_of(P, t), "unknown property ':[%s]' (expected deadlock free, "
                                         "divergence free, livelock free, deterministic or "
                                         "has trace)", t->text);
            a = ast_new2(P->a, AST_A_PROP, proc->loc, proc, assert_options(P));
            a->aux2 = prop;
        }
        a->aux = model;
    } else {
        expected(P, "a refinement ('[T=', '[F=', '[FD=' …) or a property ':[…]'");
    }
    return negated ? ast_new1(P->a, AST_A_NOT, loc, a) : a;
}

/* ---- declarations ---- */

/* names -> ident {',' ident} */
static struct ast_node *name_list(struct parser *P)
{
    struct vec v = {0};
    struct cspm_loc loc = here(P);
    do vec_push(P, &v, name_node(P, AST_VAR, expect(P, TOK_IDENT, "a name")));
    while (accept(P, TOK_COMMA));
    return items(P, loc, &v);
}

/* Reports KW at LOC when FLAGS forbid it here; parsing goes on. */
static void check_allowed(struct parser *P, const struct token *kw, int flags)
{
    const char *what = lex_token_spelling((enum tok_kind)kw->kind);
    int bad = 0;
    const char *where = "";
    switch (kw->kind) {
    case TOK_KW_PRINT:
        bad = flags & (IN_LET | IN_MODULE | IN_TIMED);
        where = flags & IN_LET ? "in a let expression" : flags & IN_MODULE ? "inside a module"
                                                                           : "inside a Timed section";
        break;
    case TOK_KW_ASSERT:
        bad = flags & (IN_LET | IN_MODULE);
        where = flags & IN_LET ? "in a let expression" : "inside a module";
        break;
    case TOK_KW_CHANNEL: case TOK_KW_DATATYPE: case TOK_KW_SUBTYPE: case TOK_KW_NAMETYPE:
    case TOK_KW_MODULE: case TOK_KW_INSTANCE:
        bad = flags & IN_LET;
        where = "in a let expression";
        break;
    default: break;
    }
    if (bad) {
        diag_error(P->diags, loc_of(P, kw), "'%s' is not allowed %s", what, where);
    }
}

enum { MAX_SPEC_BYTES = 64 << 20 };  /* a specification is text: 64 MiB is far past any */

/* Reads the whole file PATH into the module's arena, by streaming, so a pipe (`<(…)`),
 * /dev/stdin or /dev/null reads like a file; past MAX_SPEC_BYTES (/dev/zero) it stops with
 * EFBIG.  NULL with errno set on failure. */
static struct cspm_file *read_file(struct cspm_module *m, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
        if (n + 1 == cap) {
            if (cap >= MAX_SPEC_BYTES) { free(buf); buf = NULL; errno = EFBIG; break; }
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; errno = ENOMEM; break; }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf) return NULL;
    if (err) { free(buf); errno = err ? err : EIO; return NULL; }
    struct cspm_file *file = arena_alloc(&m->arena, sizeof *file);
    file->path = arena_strndup(&m->arena, path, strlen(path));
    file->text = arena_strndup(&m->arena, buf, n);
    file->len = n;
    free(buf);
    return file;
}

static void add_file(struct cspm_module *m, const struct cspm_file *f)
{
    if (m->nfiles == m->cap_files) {
        size_t cap = m->cap_files ? 2 * m->cap_files : 8;
        const struct cspm_file **files = arena_alloc(&m->arena, cap * sizeof *files);
        if (m->nfiles) memcpy(files, m->files, m->nfiles * sizeof *files);
        m->files = files;
        m->cap_files = cap;
    }
    m->files[m->nfiles++] = f;
}

/* Parses FILE's tokens as declarations appended to OUT (an include, or the main file). */
static void parse_file_into(struct parser *P, const struct cspm_file *file, int flags,
                            struct vec *out)
{
    struct lex_result lr;
    lex_file(file, P->a, P->diags, &lr);
    const struct cspm_file *sf = P->file;
    struct token *st = P->toks;
    size_t sp = P->pos;
    int sg = P->no_gt;
    P->file = file;
    P->toks = lr.toks;
    P->pos = 0;
    P->no_gt = 0;
    decls_into(P, flags, TOK_EOF, TOK_EOF, out);
    P->file = sf;
    P->toks = st;
    P->pos = sp;
    P->no_gt = sg;
}

/* include -> 'include' string: the named file's declarations, spliced in here. */
static void include(struct parser *P, int flags, struct vec *out)
{
    const struct token *s = expect(P, TOK_STRING, "a file name in double quotes after 'include'");
    struct cspm_loc loc = loc_of(P, s);
    if (kind(P) != TOK_NEWLINE && kind(P) != TOK_EOF) expected(P, "the end of the line");
    if (memchr(s->text, '\0', s->len)) fail_at(P, loc, "invalid file name");
    char *path;
    const char *slash = strrchr(P->file->path, '/');
    if (s->text[0] == '/' || !slash) {
        path = arena_strndup(P->a, s->text, s->len);
    } else {
        size_t dir = (size_t)(slash - P->file->path) + 1;
        path = arena_alloc(P->a, dir + s->len + 1);
        memcpy(path, P->file->path, dir);
        memcpy(path + dir, s->text, s->len);   /* the token's bytes need not end in NUL */
        path[dir + s->len] = '\0';
    }
    char *canon = realpath(path, NULL);
    if (!canon) fail_at(P, loc, "cannot open included file '%s': %s", path, strerror(errno));
    const char *key = arena_strndup(P->a, canon, strlen(canon));
    free(canon);
    for (int i = 0; i < P->ninclude; i++)
        if (strcmp(P->include_stack[i], key) == 0)
            fail_at(P, loc, "include cycle: '%s' includes itself", path);
    if (P->ninclude >= MAX_INCLUDE_DEPTH)
        fail_at(P, loc, "includes nested too deeply (more than %d files)", MAX_INCLUDE_DEPTH);
    struct cspm_file *file = read_file(P->m, path);
    if (!file) fail_at(P, loc, "cannot read included file '%s': %s", path, strerror(errno));
    add_file(P->m, file);
    P->include_stack[P->ninclude++] = key;
    parse_file_into(P, file, flags, out);
    P->ninclude--;
}

/* datatype -> 'datatype' name '=' ctor {'|' ctor};  ctor -> name ['.' expr] */
static struct ast_node *datatype(struct parser *P, enum ast_kind k, struct cspm_loc loc)
{
    const struct token *name = expect(P, TOK_IDENT, "the name of the type");
    expect(P, TOK_EQUALS, "'='");
    struct vec v = {0};
    do {
        const struct token *cn = expect(P, TOK_IDENT, "a constructor name");
        struct ast_node *c = accept(P, TOK_DOT)
                                 ? ast_new1(P->a, AST_CTOR, loc_of(P, cn), expr(P, L_LOWEST))
                                 : ast_new0(P->a, AST_CTOR, loc_of(P, cn));
        c->name = cn->text;
        c->len = cn->len;
        vec_push(P, &v, c);
    } while (accept(P, TOK_PIPE));
    struct ast_node *d = ast_new(P->a, k, loc, v.v, v.n);
    d->name = name->text;
    d->len = name->len;
    return d;
}

/* The argument list of a module or instance: '(' exprs ')', never empty. */
static void module_args(struct parser *P, struct vec *v, const char *what)
{
    const struct token *open = advance(P);
    if (kind(P) == TOK_RPAREN) {    /* reported, then read as if the parentheses were not there */
        diag_error(P->diags, loc_of(P, open), "a %s's argument list cannot be empty: leave out "
                                              "the parentheses", what);
        advance(P);
        return;
    }
    int saved = P->no_gt;
    P->no_gt = 0;
    expr_list(P, v);
    P->no_gt = saved;
    expect(P, TOK_RPAREN, "')'");
}

/* Splits the left-hand side of `lhs = rhs` into a function clause or a pattern binding. */
static struct ast_node *definition(struct parser *P, struct ast_node *lhs, struct ast_node *rhs)
{
    if (lhs->kind != AST_APP) return ast_new2(P->a, AST_D_PAT, lhs->loc, to_pattern(P, lhs), rhs);
    /* f(a)(b, c) = … : groups are collected from the outermost application inwards. */
    struct vec groups = {0};
    struct ast_node *f = lhs;
    while (f->kind == AST_APP) {
        struct vec pats = {0};
        for (uint32_t i = 1; i < f->nkids; i++) vec_push(P, &pats, to_pattern(P, f->kids[i]));
        vec_push(P, &groups, items(P, f->loc, &pats));
        f = f->kids[0];
    }
    if (f->kind != AST_VAR || strstr(f->name, "::"))
        fail_at(P, f->loc, "the left-hand side of a definition must be a pattern or a name "
                           "applied to patterns");
    for (uint32_t i = 0; i < groups.n / 2; i++) {
        struct ast_node *t = groups.v[i];
        groups.v[i] = groups.v[groups.n - 1 - i];
        groups.v[groups.n - 1 - i] = t;
    }
    vec_push(P, &groups, rhs);
    struct ast_node *clause = ast_new(P->a, AST_CLAUSE, lhs->loc, groups.v, groups.n);
    struct ast_node *d = ast_new1(P->a, AST_D_FUN, f->loc, clause);
    d->name = f->name;
    d->len = f->len;
    return d;
}

/* decl -> definition | annotation | channel | datatype | subtype | nametype | external |
 *         transparent | assert | print | module | instance | Timed | include */
static void decl(struct parser *P, int flags, struct vec *out)
{
    const struct token *t = cur(P);
    struct cspm_loc loc = loc_of(P, t);
    struct ast_node *d;
    check_allowed(P, t, flags);
    if ((t->kind == TOK_KW_MODULE || t->kind == TOK_KW_TIMED) && P->depth >= AST_MAX_NESTING)
        fail_at(P, loc, "modules and Timed sections nested too deeply (more than %d levels)",
                AST_MAX_NESTING);
    switch (t->kind) {
    case TOK_KW_INCLUDE:
        if (flags & IN_LET) fail_at(P, loc, "'include' is not allowed in a let expression");
        advance(P);
        include(P, flags, out);
        return;
    case TOK_KW_CHANNEL: {
        advance(P);
        struct ast_node *names = name_list(P);
        if (accept(P, TOK_COLON)) d = ast_new2(P->a, AST_D_CHANNEL, loc, names, expr(P, L_LOWEST));
        else d = ast_new1(P->a, AST_D_CHANNEL, loc, names);
        break;
    }
    case TOK_KW_DATATYPE: advance(P); d = datatype(P, AST_D_DATATYPE, loc); break;
    case TOK_KW_SUBTYPE: advance(P); d = datatype(P, AST_D_SUBTYPE, loc); break;
    case TOK_KW_NAMETYPE: {
        advance(P);
        const struct token *name = expect(P, TOK_IDENT, "the name of the type");
        expect(P, TOK_EQUALS, "'='");
        d = ast_new1(P->a, AST_D_NAMETYPE, loc, expr(P, L_LOWEST));
        d->name = name->text;
        d->len = name->len;
        break;
    }
    case TOK_KW_EXTERNAL:
    case TOK_KW_TRANSPARENT: {
        advance(P);
        struct ast_node *names = name_list(P);
        d = ast_new(P->a, t->kind == TOK_KW_EXTERNAL ? AST_D_EXTERNAL : AST_D_TRANSPARENT, loc,
                    names->kids, names->nkids);
        break;
    }
    case TOK_KW_ASSERT: advance(P); d = ast_new1(P->a, AST_D_ASSERT, loc, assertion(P)); break;
    case TOK_KW_PRINT: advance(P); d = ast_new1(P->a, AST_D_PRINT, loc, expr(P, L_LOWEST)); break;
    case TOK_KW_MODULE: {
        advance(P);
        const struct token *name = expect(P, TOK_IDENT, "the name of the module");
        struct vec params = {0};
        if (kind(P) == TOK_LPAREN) module_args(P, &params, "module");
        for (uint32_t i = 0; i < params.n; i++) params.v[i] = to_pattern(P, params.v[i]);
        P->depth++;
        struct ast_node *priv = decl_list(P, flags | IN_MODULE, TOK_KW_EXPORTS, TOK_KW_EXPORTS);
        expect(P, TOK_KW_EXPORTS, "'exports'");
        struct ast_node *pub = decl_list(P, flags | IN_MODULE, TOK_KW_ENDMODULE, TOK_KW_ENDMODULE);
        expect(P, TOK_KW_ENDMODULE, "'endmodule'");
        P->depth--;
        d = ast_new3(P->a, AST_D_MODULE, loc, items(P, loc, &params), priv, pub);
        d->name = name->text;
        d->len = name->len;
        break;
    }
    case TOK_KW_INSTANCE: {
        advance(P);
        const struct token *name = expect(P, TOK_IDENT, "the name of the instance");
        expect(P, TOK_EQUALS, "'='");
        if (kind(P) != TOK_IDENT) expected(P, "the name of a module");
        struct ast_node *mod = qualified_name(P, AST_VAR);
        struct vec args = {0};
        if (kind(P) == TOK_LPAREN) module_args(P, &args, "module instance");
        d = ast_new2(P->a, AST_D_INSTANCE, loc, mod, items(P, loc, &args));
        d->name = name->text;
        d->len = name->len;
        break;
    }
    case TOK_KW_TIMED: {
        advance(P);
        struct ast_node *fn = NULL;
        if (accept(P, TOK_LPAREN)) {
            fn = inner_full(P);
            expect(P, TOK_RPAREN, "')' after the time function");
        }
        expect(P, TOK_LBRACE, "'{' to open the Timed section");
        P->depth++;
        struct ast_node *body = decl_list(P, flags | IN_TIMED, TOK_RBRACE, TOK_RBRACE);
        expect(P, TOK_RBRACE, "'}' to close the Timed section");
        P->depth--;
        d = fn ? ast_new2(P->a, AST_D_TIMED, loc, body, fn) : ast_new1(P->a, AST_D_TIMED, loc, body);
        break;
    }
    case TOK_IDENT: {
        /* names '::' type — a type annotation */
        size_t k = 1;
        while (kind_at(P, k) == TOK_COMMA && kind_at(P, k + 1) == TOK_IDENT) k += 2;
        const struct token *dc = &P->toks[P->pos + k];
        int qualified = k == 1 && dc->kind == TOK_DCOLON && dc->line == t->line &&
                        dc->col == t->col + t->len && P->toks[P->pos + 2].kind == TOK_IDENT &&
                        P->toks[P->pos + 2].col == dc->col + 2;
        if (kind_at(P, k) == TOK_DCOLON && !qualified) {
            struct ast_node *names = name_list(P);
            expect(P, TOK_DCOLON, "'::'");
            d = ast_new2(P->a, AST_D_ANNOT, loc, names, scheme(P));
            break;
        }
    }
    /* fall through */
    default: {
        struct ast_node *lhs = expr(P, L_LOWEST);
        if (kind(P) != TOK_EQUALS)
            expected(P, lhs->kind == AST_VAR || lhs->kind == AST_APP
                            ? "'=' after the name being defined" : "'=' (a definition)");
        advance(P);
        struct ast_node *rhs = expr(P, L_LOWEST);
        d = definition(P, lhs, rhs);
        break;
    }
    }
    vec_push(P, out, d);
}

/* Skips to the next token that starts a line in column 1 (or the end of the file): the
 * likeliest start of the next declaration.  Token lines are used rather than newline tokens,
 * which the newline rule removes next to operators. */
static void synchronise(struct parser *P)
{
    uint32_t line = cur(P)->line;
    while (kind(P) != TOK_EOF) {
        const struct token *t = cur(P);
        if (t->kind != TOK_NEWLINE && t->col == 1 && t->line > line) return;
        advance(P);
    }
}

/* decls -> {newline} [decl {newline {newline} decl}] {newline}, up to END1/END2/EOF */
static void decls_into(struct parser *P, int flags, int end1, int end2, struct vec *out)
{
    jmp_buf here_, *outer = P->recover;
    int depth = P->depth, no_gt = P->no_gt;
    size_t decl_start = P->decl_start;
    for (;;) {
        while (accept(P, TOK_NEWLINE)) {}
        int k = kind(P);
        if (k == TOK_EOF || k == end1 || k == end2) break;
        if (!(flags & IN_LET)) {
            if (diag_count(P->diags) >= DIAG_MAX) break;
            if (setjmp(here_)) {
                P->recover = &here_;
                P->depth = depth;
                P->no_gt = no_gt;
                synchronise(P);
                /* The rest of a module whose header failed: skip its keywords too. */
                while ((kind(P) == TOK_KW_EXPORTS || kind(P) == TOK_KW_ENDMODULE) &&
                       kind(P) != end1 && kind(P) != end2)
                    synchronise(P);
                continue;
            }
            P->recover = &here_;
        }
        P->decl_start = P->pos;
        decl(P, flags, out);
        k = kind(P);
        if (k != TOK_NEWLINE && k != TOK_EOF && k != end1 && k != end2)
            expected(P, "the end of the line after the declaration");
    }
    P->recover = outer;
    P->decl_start = decl_start;
}

/* Merges adjacent clauses of one function: f(0) = 1 then f(n) = … */
static void merge_clauses(struct parser *P, struct vec *v)
{
    uint32_t out = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        struct ast_node *d = v->v[i];
        if (out > 0 && d->kind == AST_D_FUN && v->v[out - 1]->kind == AST_D_FUN &&
            strcmp(v->v[out - 1]->name, d->name) == 0) {
            struct ast_node *prev = v->v[out - 1];
            struct ast_node **kids = arena_alloc(P->a, (prev->nkids + 1) * sizeof *kids);
            memcpy(kids, prev->kids, prev->nkids * sizeof *kids);
            kids[prev->nkids] = d->kids[0];
            prev->kids = kids;
            prev->nkids++;
            ast_fix_height(prev);
            continue;
        }
        v->v[out++] = d;
    }
    v->n = out;
}

/* Whether declaration D binds NAME; *shared is set when D is a channel declaration that
 * declares several names at once. */
static int binds(const struct ast_node *d, const char *name, int *shared)
{
    switch (d->kind) {
    case AST_D_FUN: case AST_D_NAMETYPE: return strcmp(d->name, name) == 0;
    case AST_D_PAT: return d->kids[0]->kind == AST_P_VAR && strcmp(d->kids[0]->name, name) == 0;
    case AST_D_CHANNEL:
        for (uint32_t i = 0; i < d->kids[0]->nkids; i++)
            if (strcmp(d->kids[0]->kids[i]->name, name) == 0) {
                *shared = d->kids[0]->nkids > 1;
                return 1;
            }
        return 0;
    case AST_D_DATATYPE: case AST_D_SUBTYPE:
        if (strcmp(d->name, name) == 0) return 1;
        for (uint32_t i = 0; i < d->nkids; i++)
            if (strcmp(d->kids[i]->name, name) == 0) return 1;
        return 0;
    default: return 0;
    }
}

/* Every annotated name needs exactly one annotation and a definition in the same list. */
static void check_annotations(struct parser *P, const struct vec *v)
{
    for (uint32_t i = 0; i < v->n; i++) {
        const struct ast_node *a = v->v[i];
        if (a->kind != AST_D_ANNOT) continue;
        for (uint32_t k = 0; k < a->kids[0]->nkids; k++) {
            const struct ast_node *name = a->kids[0]->kids[k];
            int dup = 0, found = 0, shared = 0;
            for (uint32_t j = 0; j < v->n; j++) {
                const struct ast_node *d = v->v[j];
                if (d->kind == AST_D_ANNOT && j < i) {
                    for (uint32_t q = 0; q < d->kids[0]->nkids; q++)
                        if (strcmp(d->kids[0]->kids[q]->name, name->name) == 0) dup = 1;
                } else if (binds(d, name->name, &shared)) {
                    found = 1;
                }
            }
            if (dup)
                diag_error(P->diags, name->loc, "'%s' already has a type annotation", name->name);
            else if (!found)
                diag_error(P->diags, name->loc, "the type annotation of '%s' has no definition "
                                                "beside it", name->name);
            else if (shared)
                diag_error(P->diags, name->loc, "cannot annotate '%s': it is declared together "
                                                "with other channels", name->name);
        }
    }
}

static struct ast_node *decl_list(struct parser *P, int flags, int end1, int end2)
{
    struct vec v = {0};
    struct cspm_loc loc = here(P);
    decls_into(P, flags, end1, end2, &v);
    merge_clauses(P, &v);
    check_annotations(P, &v);
    return items(P, loc, &v);
}

/* '_' and '@@' are parsed as expressions; any left outside patterns is an error. */
static void check_no_pattern_only(struct parser *P, const struct ast_node *n)
{
    if (n->kind == AST_WILDCARD)
        diag_error(P->diags, n->loc, "'_' can only be used in a pattern");
    else if (n->kind == AST_DOUBLE)
        diag_error(P->diags, n->loc, "'@@' can only be used in a pattern");
    for (uint32_t i = 0; i < n->nkids; i++) check_no_pattern_only(P, n->kids[i]);
}

/* ---- loading ---- */

static struct cspm_module *module_new(void)
{
    struct cspm_module *m = calloc(1, sizeof *m);
    if (!m) {
        fputs("baton: out of memory\n", stderr);
        abort();
    }
    arena_init(&m->arena);
    return m;
}

static void parser_init(struct parser *P, struct cspm_module *m, jmp_buf *top)
{
    memset(P, 0, sizeof *P);
    P->m = m;
    P->a = &m->arena;
    P->diags = &m->diags;
    P->recover = top;
}

static void load(struct cspm_module *m, const struct cspm_file *file)
{
    struct parser P;
    jmp_buf top;
    parser_init(&P, m, &top);
    struct vec *v = arena_alloc(&m->arena, sizeof *v);
    if (!setjmp(top)) {
        char *canon = realpath(file->path, NULL);
        if (canon) {
            P.include_stack[P.ninclude++] = arena_strndup(P.a, canon, strlen(canon));
            free(canon);
        }
        add_file(m, file);
        parse_file_into(&P, file, 0, v);
        merge_clauses(&P, v);
        check_annotations(&P, v);
    }
    m->decls = items(&P, (struct cspm_loc){file, 1, 1}, v);
    check_no_pattern_only(&P, m->decls);
}

struct cspm_module *cspm_load_file(const char *path)
{
    struct cspm_module *m = module_new();
    struct cspm_file *file = read_file(m, path);
    if (!file) {
        diag_error(&m->diags, (struct cspm_loc){0}, "cannot read '%s': %s", path, strerror(errno));
        m->decls = ast_new0(&m->arena, AST_ITEMS, (struct cspm_loc){0});
        return m;
    }
    load(m, file);
    return m;
}

struct cspm_module *cspm_load_string(const char *name, const char *text, size_t len)
{
    struct cspm_module *m = module_new();
    struct cspm_file *file = arena_alloc(&m->arena, sizeof *file);
    file->path = arena_strndup(&m->arena, name, strlen(name));
    file->text = arena_strndup(&m->arena, text, len);
    file->len = len;
    load(m, file);
    return m;
}

struct ast_node *cspm_parse_expression(struct cspm_module *m, const char *text, size_t len)
{
    struct parser P;
    jmp_buf top;
    parser_init(&P, m, &top);
    struct cspm_file *file = arena_alloc(&m->arena, sizeof *file);
    file->path = "<expression>";
    file->text = arena_strndup(&m->arena, text, len);
    file->len = len;
    struct lex_result lr;
    size_t before = diag_count(&m->diags);
    lex_file(file, P.a, P.diags, &lr);
    P.file = file;
    P.toks = lr.toks;
    if (setjmp(top)) return NULL;
    while (accept(&P, TOK_NEWLINE)) {}
    struct ast_node *e = expr(&P, L_LOWEST);
    while (accept(&P, TOK_NEWLINE)) {}
    if (kind(&P) != TOK_EOF) expected(&P, "the end of the expression");
    check_no_pattern_only(&P, e);
    return diag_count(&m->diags) > before ? NULL : e;
}

void cspm_module_free(struct cspm_module *m)
{
    if (!m) return;
    diag_list_free(&m->diags);
    arena_free(&m->arena);
    free(m);
}
