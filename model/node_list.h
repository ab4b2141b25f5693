/* Every AST node kind, listed once and expanded into the enum, the name table and the
 * printer's operator table (model/ast.c).
 *
 *   X(NAME, "printed name or operator", layout of kids[])
 *
 * ITEMS is a plain container; "ITEMS<x>" below means a kid of kind ITEMS whose kids are x.
 * Names (VAR, P_VAR, D_* names) are in node->name; a name may be module-qualified
 * ("M::x", FDR's `::`), to be resolved by the renamer.  ORDER NODES: the printer relies on
 * the BINARY block being contiguous. */
#ifndef BATON_MODEL_NODE_LIST_H
#define BATON_MODEL_NODE_LIST_H

#define AST_NODES(X)                                                                               \
    X(ITEMS, "items", "any number of nodes (a list)")                                              \
    /* values */                                                                                   \
    X(INT, "int", "none; num = value")                                                             \
    X(CHAR, "char", "none; num = Unicode code point")                                              \
    X(STRING, "string", "none; name/len = bytes")                                                  \
    X(BOOL, "bool", "none; num = 0 or 1")                                                          \
    X(VAR, "var", "none; name")                                                                    \
    X(WILDCARD, "_", "none (only valid where a pattern is expected)")                              \
    X(TUPLE, "tuple", "elements (two or more)")                                                    \
    X(LIST, "seq", "elements: <a, b>; none for <>")                                                \
    X(LIST_RANGE, "seq-range", "from, to [, ITEMS<statements>]: <a..b>, <a..b | p>")               \
    X(LIST_FROM, "seq-from", "from [, ITEMS<statements>]: <a..>, <a.. | p>")                       \
    X(LIST_COMP, "seq-comp", "ITEMS<elements>, ITEMS<statements>")                                 \
    X(SET, "set", "elements")                                                                      \
    X(SET_RANGE, "set-range", "from, to [, ITEMS<statements>]: {a..b}")                            \
    X(SET_FROM, "set-from", "from [, ITEMS<statements>]: {a..}")                                   \
    X(SET_COMP, "set-comp", "ITEMS<elements>, ITEMS<statements>")                                  \
    X(ENUM_SET, "enum-set", "elements: {| c, d.1 |}")                                              \
    X(ENUM_SET_COMP, "enum-set-comp", "ITEMS<elements>, ITEMS<statements>")                        \
    X(MAP, "map", "MAPLETs: (| k => v |)")                                                         \
    X(MAPLET, "=>", "key, value")                                                                  \
    X(DOT, ".", "left, right (right-associative chains: a.(b.c))")                                 \
    X(APP, "app", "function, arguments… (f() has only the function)")                              \
    X(IF, "if", "condition, then, else")                                                           \
    X(LET, "let", "ITEMS<declarations>, body")                                                     \
    X(LAMBDA, "lambda", "ITEMS<patterns>, body")                                                   \
    X(DOUBLE, "@@", "left, right (only valid where a pattern is expected)")                        \
    X(NEG, "-", "operand")                                                                         \
    X(NOT, "not", "operand")                                                                       \
    X(LEN, "#", "operand")                                                                         \
    /* BINARY: left, right */                                                                      \
    X(ADD, "+", "left, right")                                                                     \
    X(SUB, "-", "left, right")                                                                     \
    X(MUL, "*", "left, right")                                                                     \
    X(DIV, "/", "left, right")                                                                     \
    X(MOD, "%", "left, right")                                                                     \
    X(CONCAT, "^", "left, right")                                                                  \
    X(EQ, "==", "left, right")                                                                     \
    X(NE, "!=", "left, right")                                                                     \
    X(LT, "<", "left, right")                                                                      \
    X(GT, ">", "left, right")                                                                      \
    X(LE, "<=", "left, right")                                                                     \
    X(GE, ">=", "left, right")                                                                     \
    X(AND, "and", "left, right")                                                                   \
    X(OR, "or", "left, right")                                                                     \
    X(GUARD, "&", "condition, process")                                                            \
    X(EXT_CHOICE, "[]", "left, right")                                                             \
    X(INT_CHOICE, "|~|", "left, right")                                                            \
    X(INTERLEAVE, "|||", "left, right")                                                            \
    X(SEQ_COMP, ";", "left, right")                                                                \
    X(INTERRUPT, "/\\", "left, right")                                                             \
    X(SLIDING, "[>", "left, right")                                                                \
    X(HIDE, "\\", "process, event set")                                                            \
    X(PROJECT, "|\\", "process, event set")                                                        \
    /* end of BINARY */                                                                            \
    X(PREFIX, "->", "event, ITEMS<fields>, process: c?x!y -> P")                                   \
    X(FIELD_OUT, "!", "expression")                                                                \
    X(FIELD_IN, "?", "pattern [, restriction set]")                                                \
    X(FIELD_NDIN, "$", "pattern [, restriction set]")                                              \
    X(GEN_PAR, "[| |]", "left, event set, right")                                                  \
    X(ALPHA_PAR, "[ || ]", "left, left alphabet, right alphabet, right")                           \
    X(EXCEPTION, "[| |>", "left, event set, right")                                                \
    X(SYNC_EXT_CHOICE, "[+ +]", "left, event set, right")                                          \
    X(SYNC_INTERRUPT, "/+ +\\", "left, event set, right")                                          \
    X(LINK_PAR, "[ <-> ]", "left, ITEMS<TIE>, ITEMS<statements>, right")                           \
    X(TIE, "<->", "left event, right event")                                                       \
    X(RENAME, "[[ ]]", "process, ITEMS<RENAMING>, ITEMS<statements>")                              \
    X(RENAMING, "<-", "old event, new event")                                                      \
    X(REP_EXT_CHOICE, "[]", "ITEMS<statements>, process")                                          \
    X(REP_INT_CHOICE, "|~|", "ITEMS<statements>, process")                                         \
    X(REP_INTERLEAVE, "|||", "ITEMS<statements>, process")                                         \
    X(REP_SEQ_COMP, ";", "ITEMS<statements>, process")                                             \
    X(REP_GEN_PAR, "[| |]", "event set, ITEMS<statements>, process")                               \
    X(REP_ALPHA_PAR, "||", "ITEMS<statements>, alphabet, process")                                 \
    X(REP_LINK_PAR, "[ <-> ]", "ITEMS<TIE>, ITEMS<tie statements>, ITEMS<statements>, process")    \
    X(REP_SYNC_EXT_CHOICE, "[+ +]", "event set, ITEMS<statements>, process")                       \
    /* statements of comprehensions and replicated operators */                                    \
    X(GEN, "<-", "pattern, expression (x <- S and x : S)")                                         \
    X(PRED, "pred", "boolean expression")                                                          \
    /* patterns */                                                                                 \
    X(P_VAR, "pvar", "none; name")                                                                 \
    X(P_WILD, "_", "none")                                                                         \
    X(P_INT, "pint", "none; num")                                                                  \
    X(P_CHAR, "pchar", "none; num")                                                                \
    X(P_STRING, "pstring", "none; name/len")                                                       \
    X(P_BOOL, "pbool", "none; num")                                                                \
    X(P_TUPLE, "ptuple", "patterns")                                                               \
    X(P_LIST, "pseq", "patterns: <x, y>; none for <>")                                             \
    X(P_CONCAT, "^", "left, right pattern: <x>^xs")                                                \
    X(P_SET, "pset", "patterns: {x} (at most one)")                                                \
    X(P_DOT, ".", "left, right pattern: c.x")                                                      \
    X(P_DOUBLE, "@@", "left, right pattern: x@@<y>")                                               \
    /* declarations */                                                                             \
    X(D_FUN, "fun", "CLAUSEs; name: f(0) = 1, f(n) = …, f(x)(y) = …")                              \
    X(CLAUSE, "clause", "ITEMS<patterns> per argument group…, right-hand side")                    \
    X(D_PAT, "bind", "pattern, right-hand side: x = e, (a, b) = e")                                \
    X(D_CHANNEL, "channel", "ITEMS<VAR names> [, type expression]")                                \
    X(D_DATATYPE, "datatype", "CTORs; name")                                                       \
    X(D_SUBTYPE, "subtype", "CTORs; name")                                                         \
    X(CTOR, "ctor", "[type expression of the fields]; name")                                       \
    X(D_NAMETYPE, "nametype", "expression; name")                                                  \
    X(D_EXTERNAL, "external", "VAR names")                                                         \
    X(D_TRANSPARENT, "transparent", "VAR names")                                                   \
    X(D_ASSERT, "assert", "one A_* assertion")                                                     \
    X(D_PRINT, "print", "expression")                                                              \
    X(D_MODULE, "module", "ITEMS<parameter patterns>, ITEMS<private>, ITEMS<exported>; name")      \
    X(D_INSTANCE, "instance", "VAR module, ITEMS<arguments>; name")                                \
    X(D_TIMED, "Timed", "ITEMS<declarations> [, time function]")                                   \
    X(D_ANNOT, "::", "ITEMS<VAR names>, T_SCHEME")                                                 \
    /* assertions (aux = model; for A_PROP aux2 = property) */                                     \
    X(A_REFINE, "refine", "specification, implementation, ITEMS<options>; aux = model")            \
    X(A_PROP, "property", "process, ITEMS<options>; aux = model or 0, aux2 = property")            \
    X(A_HAS_TRACE, "has trace", "process, trace, ITEMS<options>; aux = model or 0")                \
    X(A_NOT, "not", "assertion")                                                                   \
    X(O_TAU_PRIORITY, "tau priority over", "event set")                                            \
    X(O_POR, "partial order reduce", "none; aux = variant (0 default, 1 fast, 2 precise, 3 hybrid)") \
    /* type annotations */                                                                         \
    X(T_SCHEME, "scheme", "ITEMS<T_CONSTRAINT>, type")                                             \
    X(T_CONSTRAINT, "constraint", "type; name = class (Eq, Ord, …)")                               \
    X(T_NAME, "tname", "none; name (Int, Proc, a type variable, a datatype)")                      \
    X(T_FUN, "->", "ITEMS<argument types>, result type")                                           \
    X(T_TUPLE, "ttuple", "types")                                                                  \
    X(T_SEQ, "tseq", "type")                                                                       \
    X(T_SET, "tset", "type")                                                                       \
    X(T_DOT, ".", "left, right")                                                                   \
    X(T_YIELD, "=>", "left, right")                                                                \
    X(T_YIELD_STAR, "=>*", "left, right")                                                          \
    X(T_MAP, "tmap", "key type, value type")

/* The semantic properties of `:[ … ]` assertions (A_PROP aux2). */
#define AST_PROPERTIES(X)                                                                          \
    X(DEADLOCK_FREE, "deadlock free")                                                              \
    X(DIVERGENCE_FREE, "divergence free")                                                          \
    X(LIVELOCK_FREE, "livelock free")                                                              \
    X(DETERMINISTIC, "deterministic")

#endif
