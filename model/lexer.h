/* The CSPm lexer: turns one source file into an array of tokens, each with its line and
 * column, applying CSPm's newline rule (a newline ends a definition unless the expression is
 * obviously incomplete: see model/token_list.h).  Comments (`--`, nested `{- -}`) vanish.
 * Lexical errors (a bad character, an unterminated string or comment, an integer literal
 * that does not fit in 32 bits) go to the diagnostics list and become TOK_ERROR tokens.
 * Ownership: tokens and decoded string literals live in the caller's arena. */
#ifndef BATON_MODEL_LEXER_H
#define BATON_MODEL_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "model/arena.h"
#include "model/diag.h"
#include "model/token_list.h"

enum tok_kind {
#define X(name, spelling, flags) TOK_##name,
    LEX_TOKENS(X)
#undef X
    TOK_COUNT
};

#define TOK_KW_FIRST TOK_KW_AND
#define TOK_KW_LAST TOK_KW_WITHIN

/* FDR's integers are 32-bit: a literal above this is an error.  The AST keeps int64_t so
 * that an evaluator can detect overflow in arithmetic. */
#define LEX_INT_MAX 2147483647

/* The models of refinement tokens and `[F]`-style suffixes. */
enum lex_model { MODEL_NONE, MODEL_T, MODEL_F, MODEL_FD, MODEL_R, MODEL_RD, MODEL_V, MODEL_VD };

struct token {
    uint16_t kind;      /* enum tok_kind */
    uint16_t model;     /* TOK_REFINES: enum lex_model */
    uint32_t line, col;
    const char *text;   /* IDENT: the name; STRING: decoded bytes; PROPERTY: the text inside
                           `:[ ]`; NUL-terminated, in the arena or the source */
    uint32_t len;
    int64_t num;        /* INT: value; CHAR: code point */
};

struct lex_result {
    struct token *toks; /* ends with one TOK_EOF */
    size_t n;
};

/* Lexes FILE into *OUT.  Returns the number of lexical errors added to DIAGS. */
size_t lex_file(const struct cspm_file *file, struct arena *arena, struct diag_list *diags,
                struct lex_result *out);

/* "identifier", "'->'", "'assert'" … for messages. */
const char *lex_token_name(enum tok_kind k);

/* The spelling of a punctuation or keyword token ("->", "assert"), or its description. */
const char *lex_token_spelling(enum tok_kind k);

/* NL_BEFORE / NL_AFTER (token_list.h): where a newline next to a token of kind K is ignored. */
int lex_token_newline_flags(enum tok_kind k);

/* "T", "F", "FD" … */
const char *lex_model_name(enum lex_model m);

#endif
