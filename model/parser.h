/* The CSPm parser and loader: reads a specification file and the files it includes, and
 * builds the AST of its declarations with FDR's operator precedence (libcspm's Parser.ppy),
 * collecting every syntax error it can recover from.
 *
 * Precedence, loosest first (all left-associative unless noted):
 *   if/let/lambda/replicated operators (extend as far right as possible), `@@`, `\` `|\`,
 *   `|||`, `[| |]` `[ || ]` `[ <-> ]` `[| |>`, `|~|`, `[]` `[+ +]`, `/\` `/+ +\`, `[>`, `;`,
 *   `->` `&` (right), `?` `!` `$` fields, `.` (right), `or`, `and`, `not`, comparisons
 *   (non-associative), `+` `-`, `*` `/` `%`, `#`, `^`, application and renaming `[[ ]]`.
 *   Hiding is the loosest process operator on its left (libcspm's `%left "\\"` below `|||`):
 *   `P [| A |] Q \ H` is `(P [| A |] Q) \ H` and `a -> P \ H` is `(a -> P) \ H`; its set
 *   ends at the next process operator (libcspm's hide_parsing.csp): `P \ H ||| Q` is
 *   `(P \ H) ||| Q`.

 * Ownership: cspm_load_* return a module owning its arena (files, tokens, AST) and its
 * diagnostics; cspm_module_free releases everything at once. */
#ifndef BATON_MODEL_PARSER_H
#define BATON_MODEL_PARSER_H

#include <stddef.h>

#include "model/arena.h"
#include "model/ast.h"
#include "model/diag.h"

struct cspm_module {
    struct arena arena;
    struct diag_list diags;     /* empty when the load succeeded */
    struct ast_node *decls;     /* ITEMS: top-level declarations, included files spliced in */
    const struct cspm_file **files;     /* every file read, the main one first */
    size_t nfiles, cap_files;
};

/* Loads PATH: reads, lexes and parses it and every file it includes (resolved relative to
 * the including file; include cycles are errors).  Never returns NULL; check
 * diag_count(&m->diags).  Errors name the file as given, e.g. "specs/a.csp:3:7". */
struct cspm_module *cspm_load_file(const char *path);

/* The same for TEXT (LEN bytes) named NAME; includes resolve relative to NAME's folder. */
struct cspm_module *cspm_load_string(const char *name, const char *text, size_t len);

/* Parses TEXT as one expression in module M (used by `baton eval FILE EXPR` and tests).
 * Returns NULL and adds diagnostics to M on a syntax error.  The node lives in M's arena. */
struct ast_node *cspm_parse_expression(struct cspm_module *m, const char *text, size_t len);

void cspm_module_free(struct cspm_module *m);

#endif
