/* The CSPm lexer: one pass over the bytes producing a token array, then one pass applying the
 * newline rule.  Longest match everywhere, with the few exceptions CSPm needs (noted inline). */
#include "model/lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const token_names[] = {
#define X(name, spelling, flags) spelling,
    LEX_TOKENS(X)
#undef X
};

static const unsigned char token_flags[] = {
#define X(name, spelling, flags) flags,
    LEX_TOKENS(X)
#undef X
};

const char *lex_token_spelling(enum tok_kind k)
{
    return k < TOK_COUNT ? token_names[k] : "?";
}

const char *lex_token_name(enum tok_kind k)
{
    static char quoted[TOK_COUNT][24];
    if (k >= TOK_COUNT) return "?";
    if (k <= TOK_REFINES) return token_names[k];
    if (!quoted[k][0]) {
        /* Built once per kind; the strings are short and constant. */
        char tmp[24];
        size_t n = strlen(token_names[k]);
        if (n > 20) n = 20;
        tmp[0] = '\'';
        memcpy(tmp + 1, token_names[k], n);
        tmp[n + 1] = '\'';
        tmp[n + 2] = '\0';
        memcpy(quoted[k], tmp, n + 3);
    }
    return quoted[k];
}

int lex_token_newline_flags(enum tok_kind k)
{
    return k < TOK_COUNT ? token_flags[k] : 0;
}

const char *lex_model_name(enum lex_model m)
{
    static const char *const names[] = {"", "T", "F", "FD", "R", "RD", "V", "VD"};
    return m <= MODEL_VD ? names[m] : "?";
}

struct lexer {
    const struct cspm_file *file;
    const char *p, *end;
    uint32_t line;
    const char *line_start;
    struct arena *arena;
    struct diag_list *diags;
    size_t errors;
    struct token *toks;
    size_t n, cap;
};

static struct cspm_loc here(const struct lexer *L, const char *at)
{
    return (struct cspm_loc){L->file, L->line, (uint32_t)(at - L->line_start) + 1};
}

static struct token *push(struct lexer *L, enum tok_kind kind, const char *start)
{
    if (L->n == L->cap) {
        /* A malloc'd buffer while lexing (realloc is cheap); copied to the arena at the end. */
        size_t cap = L->cap ? 2 * L->cap : 1024;
        struct token *t = realloc(L->toks, cap * sizeof *t);
        if (!t) {
            fputs("baton: out of memory\n", stderr);
            abort();
        }
        L->toks = t;
        L->cap = cap;
    }
    struct token *t = &L->toks[L->n++];
    memset(t, 0, sizeof *t);
    t->kind = (uint16_t)kind;
    t->line = L->line;
    t->col = (uint32_t)(start - L->line_start) + 1;
    return t;
}

static void error_at(struct lexer *L, const char *at, const char *fmt, const char *arg)
{
    diag_error(L->diags, here(L, at), fmt, arg);
    L->errors++;
    push(L, TOK_ERROR, at);
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static int peekc(const struct lexer *L, size_t k)
{
    return L->p + k < L->end ? (unsigned char)L->p[k] : -1;
}

static void newline(struct lexer *L, const char *nl)
{
    L->line++;
    L->line_start = nl + 1;
}

/* Skips a nested block comment starting at "{-".  Returns 0 if it never ends. */
static int block_comment(struct lexer *L)
{
    const char *start = L->p;
    uint32_t line = L->line;
    const char *ls = L->line_start;
    int depth = 0;
    while (L->p < L->end) {
        if (L->p[0] == '{' && peekc(L, 1) == '-') { depth++; L->p += 2; continue; }
        if (L->p[0] == '-' && peekc(L, 1) == '}') {
            L->p += 2;
            if (--depth == 0) return 1;
            continue;
        }
        if (L->p[0] == '\n') newline(L, L->p);
        L->p++;
    }
    diag_error(L->diags, (struct cspm_loc){L->file, line, (uint32_t)(start - ls) + 1},
               "unterminated comment: '{-' has no matching '-}'");
    L->errors++;
    push(L, TOK_ERROR, L->p);   /* already reported: the parser stays quiet about the rest */
    return 0;
}

/* Decodes one UTF-8 sequence at P (for character literals); returns its length or 0. */
static int utf8_decode(const char *p, const char *end, int64_t *cp)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t avail = (size_t)(end - p);
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    int n = s[0] >= 0xF0 && s[0] < 0xF8 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (n == 0 || (size_t)n > avail) return 0;
    int64_t v = s[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

/* An escape after a backslash in a string or character literal: the byte it stands for.
 * As in libcspm, "\\x" for any other x stands for x itself ('\\'', "\\"", '\\\\'). */
static int escape(int c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    default: return c;
    }
}

static void lex_string(struct lexer *L)
{
    const char *start = L->p++;
    const char *stop = L->p;
    while (stop < L->end && *stop != '"' && *stop != '\n')
        stop += *stop == '\\' && stop + 1 < L->end ? 2 : 1;
    char *buf = arena_alloc_raw(L->arena, (size_t)(stop - L->p) + 1);
    size_t n = 0;
    while (L->p < L->end && *L->p != '"' && *L->p != '\n') {
        if (*L->p == '\\' && L->p + 1 < L->end && L->p[1] != '\n') {
            buf[n++] = (char)escape((unsigned char)L->p[1]);
            L->p += 2;
            continue;
        }
        buf[n++] = *L->p++;
    }
    buf[n] = '\0';   /* string bytes are NUL-terminated (ast.h); the block is unzeroed */
    if (L->p >= L->end || *L->p != '"') {
        error_at(L, start, "unterminated string literal%s", "");
        return;
    }
    L->p++;
    buf[n] = '\0';
    struct token *t = push(L, TOK_STRING, start);
    t->text = buf;
    t->len = (uint32_t)n;
}

static void lex_char(struct lexer *L)
{
    const char *start = L->p++;
    int64_t cp = -1;
    if (L->p < L->end && *L->p == '\\' && L->p + 1 < L->end && L->p[1] != '\n') {
        cp = escape((unsigned char)L->p[1]);
        L->p += 2;
    } else if (L->p < L->end && *L->p != '\'' && *L->p != '\n') {
        int k = utf8_decode(L->p, L->end, &cp);
        if (k == 0) cp = -1;
        L->p += k ? k : 1;
    }
    if (cp < 0 || L->p >= L->end || *L->p != '\'') {
        while (L->p < L->end && *L->p != '\'' && *L->p != '\n') L->p++;
        if (L->p < L->end && *L->p == '\'') L->p++;
        error_at(L, start, "invalid character literal: a character literal is one character "
                           "between single quotes, as in 'a' or '\\''%s", "");
        return;
    }
    L->p++;
    struct token *t = push(L, TOK_CHAR, start);
    t->num = cp;
}

static void lex_number(struct lexer *L)
{
    const char *start = L->p;
    int64_t v = 0;
    int overflow = 0;
    while (L->p < L->end && is_digit((unsigned char)*L->p)) {
        v = v * 10 + (*L->p - '0');
        if (v > LEX_INT_MAX) { overflow = 1; v = LEX_INT_MAX; }
        L->p++;
    }
    if (L->p < L->end && is_alpha((unsigned char)*L->p)) {
        while (L->p < L->end && is_alnum((unsigned char)*L->p)) L->p++;
        error_at(L, start, "invalid number '%s': a name cannot start with a digit",
                 arena_strndup(L->arena, start, (size_t)(L->p - start)));
        return;
    }
    if (overflow) {
        size_t n = (size_t)(L->p - start);
        diag_error(L->diags, here(L, start),
                   "integer literal %.*s%s is too large: CSPm integers are 32-bit (at most %d)",
                   n > 24 ? 24 : (int)n, start, n > 24 ? "…" : "", LEX_INT_MAX);
        L->errors++;
        push(L, TOK_ERROR, start);
        return;
    }
    struct token *t = push(L, TOK_INT, start);
    t->num = v;
}

static void lex_word(struct lexer *L)
{
    const char *start = L->p;
    while (L->p < L->end && is_alnum((unsigned char)*L->p)) L->p++;
    while (L->p < L->end && *L->p == '\'') L->p++;
    size_t n = (size_t)(L->p - start);
    for (int k = TOK_KW_FIRST; k <= TOK_KW_LAST; k++) {
        if (strlen(token_names[k]) == n && memcmp(token_names[k], start, n) == 0) {
            struct token *t = push(L, (enum tok_kind)k, start);
            t->text = token_names[k];
            t->len = (uint32_t)n;
            return;
        }
    }
    struct token *t = push(L, TOK_IDENT, start);
    t->text = arena_strndup(L->arena, start, n);
    t->len = (uint32_t)n;
}

/* `:[ … ]`: the text up to the matching `]` becomes one PROPERTY token, which the parser
 * reads word by word ("deadlock free [F]", "tau priority over", "has trace" …). */
static void lex_property(struct lexer *L)
{
    const char *start = L->p;
    uint32_t line = L->line;
    const char *ls = L->line_start;
    L->p += 2;
    const char *body = L->p;
    int depth = 1;
    while (L->p < L->end) {
        if (*L->p == '[') depth++;
        else if (*L->p == ']' && --depth == 0) break;
        else if (*L->p == '\n') newline(L, L->p);
        L->p++;
    }
    if (L->p >= L->end) {
        diag_error(L->diags, (struct cspm_loc){L->file, line, (uint32_t)(start - ls) + 1},
                   "unterminated ':[': expected ']'");
        L->errors++;
        struct token *e = push(L, TOK_ERROR, start);
        e->line = line;
        e->col = (uint32_t)(start - ls) + 1;
        return;
    }
    struct token *t = push(L, TOK_PROPERTY, start);
    t->line = line;
    t->col = (uint32_t)(start - ls) + 1;
    t->text = arena_strndup(L->arena, body, (size_t)(L->p - body));
    t->len = (uint32_t)(L->p - body);
    L->p++;
}

/* `[T=`, `[FD=` …: returns 1 and pushes a REFINES token if one starts at L->p. */
static int lex_refines(struct lexer *L)
{
    static const struct { const char *s; enum lex_model m; } forms[] = {
        {"[FD=", MODEL_FD}, {"[RD=", MODEL_RD}, {"[VD=", MODEL_VD}, {"[T=", MODEL_T},
        {"[F=", MODEL_F},   {"[R=", MODEL_R},   {"[V=", MODEL_V},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t n = strlen(forms[i].s);
        if ((size_t)(L->end - L->p) >= n && memcmp(L->p, forms[i].s, n) == 0) {
            struct token *t = push(L, TOK_REFINES, L->p);
            t->model = (uint16_t)forms[i].m;
            L->p += n;
            return 1;
        }
    }
    return 0;
}

/* Punctuation, longest match first.  Returns 0 if no token starts at L->p. */
static int lex_punct(struct lexer *L)
{
    int c = peekc(L, 0), c1 = peekc(L, 1), c2 = peekc(L, 2);
    enum tok_kind k;
    size_t n = 1;
    switch (c) {
    case '(':
        /* "(|" opens a map, but "(||| x : S @ P)" and "(|~| …)" are replicated operators. */
        if (c1 == '|' && c2 != '|' && c2 != '~') { k = TOK_LMAP; n = 2; }
        else k = TOK_LPAREN;
        break;
    case ')': k = TOK_RPAREN; break;
    case '{':
        if (c1 == '|') { k = TOK_LPIPEBRACE; n = 2; }
        else k = TOK_LBRACE;
        break;
    case '}': k = TOK_RBRACE; break;
    case '[':
        if (lex_refines(L)) return 1;
        if (c1 == ']') { k = TOK_EXTCHOICE; n = 2; }
        else if (c1 == '[') { k = TOK_LRENAME; n = 2; }
        else if (c1 == '|') { k = TOK_LPAR; n = 2; }
        else if (c1 == '>') { k = TOK_SLIDING; n = 2; }
        else if (c1 == '+') { k = TOK_LSYNC; n = 2; }
        else k = TOK_LBRACKET;
        break;
    case ']':
        if (c1 == ']') { k = TOK_RRENAME; n = 2; }
        else k = TOK_RBRACKET;
        break;
    case '|':
        if (c1 == '|' && c2 == '|') { k = TOK_INTERLEAVE; n = 3; }
        else if (c1 == '~' && c2 == '|') { k = TOK_INTCHOICE; n = 3; }
        else if (c1 == '|') { k = TOK_PARALLEL; n = 2; }
        else if (c1 == '}') { k = TOK_RPIPEBRACE; n = 2; }
        else if (c1 == ')') { k = TOK_RMAP; n = 2; }
        else if (c1 == ']') { k = TOK_RPAR; n = 2; }
        else if (c1 == '>') { k = TOK_EXCEPTION; n = 2; }
        else if (c1 == '\\') { k = TOK_PROJECT; n = 2; }
        else k = TOK_PIPE;
        break;
    case '/':
        if (c1 == '\\') { k = TOK_INTERRUPT; n = 2; }
        else if (c1 == '+') { k = TOK_LSYNCINT; n = 2; }
        else k = TOK_SLASH;
        break;
    case '\\': k = TOK_BACKSLASH; break;
    case '+':
        if (c1 == ']') { k = TOK_RSYNC; n = 2; }
        else if (c1 == '\\') { k = TOK_RSYNCINT; n = 2; }
        else k = TOK_PLUS;
        break;
    case '-':
        if (c1 == '>') { k = TOK_ARROW; n = 2; }
        else k = TOK_MINUS;
        break;
    case '<':
        if (c1 == '-' && c2 == '>') { k = TOK_TIE; n = 3; }
        else if (c1 == '-') { k = TOK_DRAWN; n = 2; }
        else if (c1 == '=') { k = TOK_LE; n = 2; }
        else {
            /* "<>" and "< >" (any white space between) are the empty sequence. */
            size_t j = 1;
            while (is_space(peekc(L, j)) || peekc(L, j) == '\n') j++;
            if (peekc(L, j) == '>' && !(peekc(L, j + 1) == '=' && peekc(L, j + 2) != '=')) {
                struct token *t = push(L, TOK_EMPTYSEQ, L->p);
                for (size_t i = 1; i < j; i++)
                    if (L->p[i] == '\n') newline(L, L->p + i);
                L->p += j + 1;
                (void)t;
                return 1;
            }
            k = TOK_LT;
        }
        break;
    case '>':
        /* ">==" is "> ==" (as in "<x>==s"), not ">= =". */
        if (c1 == '=' && c2 != '=') { k = TOK_GE; n = 2; }
        else k = TOK_GT;
        break;
    case '=':
        if (c1 == '=') { k = TOK_EQ; n = 2; }
        else if (c1 == '>' && c2 == '*') { k = TOK_YIELDSTAR; n = 3; }
        else if (c1 == '>') { k = TOK_YIELD; n = 2; }
        else k = TOK_EQUALS;
        break;
    case '!':
        if (c1 == '=') { k = TOK_NE; n = 2; }
        else k = TOK_BANG;
        break;
    case ':':
        if (c1 == '[') { lex_property(L); return 1; }
        if (c1 == ':') { k = TOK_DCOLON; n = 2; }
        else k = TOK_COLON;
        break;
    case '.':
        if (c1 == '.') { k = TOK_DOTDOT; n = 2; }
        else k = TOK_DOT;
        break;
    case '@':
        if (c1 == '@') { k = TOK_ATAT; n = 2; }
        else k = TOK_AT;
        break;
    case '?': k = TOK_QUESTION; break;
    case '$': k = TOK_DOLLAR; break;
    case ',': k = TOK_COMMA; break;
    case ';': k = TOK_SEMI; break;
    case '&': k = TOK_AMP; break;
    case '%': k = TOK_PERCENT; break;
    case '^': k = TOK_CARET; break;
    case '#': k = TOK_HASH; break;
    case '*': k = TOK_STAR; break;
    case '_':
        k = TOK_WILDCARD;
        break;
    default: return 0;
    }
    push(L, k, L->p);
    L->p += n;
    return 1;
}

/* Drops the newlines that do not end a definition (see token_list.h) and merges runs. */
static void apply_newline_rule(struct lexer *L)
{
    size_t out = 0;
    for (size_t i = 0; i < L->n; i++) {
        struct token *t = &L->toks[i];
        if (t->kind == TOK_NEWLINE) {
            if (out == 0) continue;                                     /* leading */
            const struct token *prev = &L->toks[out - 1];
            if (prev->kind == TOK_NEWLINE) continue;                    /* a run */
            if (token_flags[prev->kind] & NL_AFTER) continue;
            size_t j = i + 1;
            while (j < L->n && L->toks[j].kind == TOK_NEWLINE) j++;
            if (j < L->n && (token_flags[L->toks[j].kind] & NL_BEFORE)) continue;
        }
        L->toks[out++] = *t;
    }
    L->n = out;
}

size_t lex_file(const struct cspm_file *file, struct arena *arena, struct diag_list *diags,
                struct lex_result *out)
{
    struct lexer L = {
        .file = file, .p = file->text, .end = file->text + file->len, .line = 1,
        .line_start = file->text, .arena = arena, .diags = diags,
    };
    if (L.end - L.p >= 3 && memcmp(L.p, "\xEF\xBB\xBF", 3) == 0)   /* a UTF-8 byte order mark */
        L.p = L.line_start = file->text + 3;
    while (L.p < L.end) {
        int c = (unsigned char)*L.p;
        if (c == '\n') {
            push(&L, TOK_NEWLINE, L.p);
            newline(&L, L.p);
            L.p++;
        } else if (is_space(c)) {
            L.p++;
        } else if (c == '-' && peekc(&L, 1) == '-') {
            while (L.p < L.end && *L.p != '\n') L.p++;
        } else if (c == '{' && peekc(&L, 1) == '-') {
            if (!block_comment(&L)) break;
        } else if (is_alpha(c)) {
            lex_word(&L);
        } else if (is_digit(c)) {
            lex_number(&L);
        } else if (c == '"') {
            lex_string(&L);
        } else if (c == '\'') {
            lex_char(&L);
        } else if (!lex_punct(&L)) {
            /* One error for one character: a UTF-8 sequence is named as its code point
             * (CSPm's names and operators are ASCII; other characters belong in strings). */
            char what[128];
            int64_t cp;
            int k = c >= 0x80 ? utf8_decode(L.p, L.end, &cp) : 0;
            if (c >= 0x21 && c < 0x7F) snprintf(what, sizeof what, "'%c'", c);
            else if (k > 1)
                snprintf(what, sizeof what, "'%.*s' (U+%04X): names are ASCII letters, digits, "
                         "_ and '", k, L.p, (unsigned)cp);
            else snprintf(what, sizeof what, "byte 0x%02X", (unsigned)c);
            error_at(&L, L.p, "invalid character %s", what);
            L.p += k > 1 ? k : 1;
        }
    }
    push(&L, TOK_EOF, L.p);
    apply_newline_rule(&L);
    out->toks = arena_alloc_raw(arena, L.n * sizeof *out->toks);
    memcpy(out->toks, L.toks, L.n * sizeof *out->toks);
    out->n = L.n;
    free(L.toks);
    return L.errors;
}
