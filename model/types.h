/* The CSPm typechecker: the static checks FDR makes before it evaluates anything.  It runs
 * the renamer (model/resolve.h), then Hindley–Milner inference with let-polymorphism at the
 * top level, CSPm's type classes (Eq, Ord, Set, Yieldable) and the channel and constructor
 * field types of dot expressions, prefixes, renamings and linked parallels.  Where a
 * construct is beyond what it models (see docs/cspm-types.md) it gives it a fresh type
 * variable rather than report an error it cannot be sure of.
 * Ownership: every type lives in the module's arena; the tree is only annotated (the aux
 * fields of names, see model/resolve.h). */
#ifndef BATON_MODEL_TYPES_H
#define BATON_MODEL_TYPES_H

#include "model/parser.h"

/* Resolves and typechecks M, adding each error to M->diags (file:line:col, message).
 * Returns the number of errors added: 0 means M is well typed. */
int types_check(struct cspm_module *m);

#endif
