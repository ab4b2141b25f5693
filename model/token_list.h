/* Every CSPm token kind, listed once (jq's opcode_list.h) and expanded into the enum, the
 * name table and the newline rules of model/lexer.c.
 *
 *   X(NAME, "spelling or description", FLAGS)
 *
 * FLAGS say where a newline next to the token does not end a definition (CSPm's only layout
 * rule, as libcspm's lexer applies it): NL_BEFORE - a newline before the token is ignored
 * (the token cannot start a definition, so the expression goes on; libcspm counts literals
 * and '_' among these); NL_AFTER - a newline after it is ignored (the expression is
 * obviously incomplete).
 * ORDER TOKENS: keywords between KW_FIRST and KW_LAST are looked up by spelling. */
#ifndef BATON_MODEL_TOKEN_LIST_H
#define BATON_MODEL_TOKEN_LIST_H

#define NL_BEFORE 1
#define NL_AFTER 2
#define NL_BOTH 3

#define LEX_TOKENS(X)                                                                              \
    X(EOF, "end of file", 0)                                                                       \
    X(NEWLINE, "newline", 0)                                                                       \
    X(ERROR, "invalid token", 0)                                                                   \
    X(IDENT, "identifier", 0)                                                                      \
    X(INT, "integer", NL_BEFORE)                                                                   \
    X(CHAR, "character literal", NL_BEFORE)                                                        \
    X(STRING, "string literal", NL_BEFORE)                                                         \
    X(PROPERTY, "':[…]' property", NL_BEFORE)                                                      \
    X(REFINES, "refinement ('[T=', '[F=', '[FD=' …)", NL_BOTH)                                     \
    /* keywords, KW_FIRST .. KW_LAST */                                                            \
    X(KW_AND, "and", NL_BOTH)                                                                      \
    X(KW_ASSERT, "assert", NL_AFTER)                                                               \
    X(KW_CHANNEL, "channel", NL_AFTER)                                                             \
    X(KW_DATATYPE, "datatype", NL_AFTER)                                                           \
    X(KW_ELSE, "else", NL_BOTH)                                                                    \
    X(KW_ENDMODULE, "endmodule", 0)                                                                \
    X(KW_EXPORTS, "exports", NL_AFTER)                                                             \
    X(KW_EXTERNAL, "external", NL_AFTER)                                                           \
    X(KW_FALSE, "false", NL_BEFORE)                                                                \
    X(KW_IF, "if", NL_AFTER)                                                                       \
    X(KW_INCLUDE, "include", 0)                                                                    \
    X(KW_INSTANCE, "instance", NL_AFTER)                                                           \
    X(KW_LET, "let", NL_AFTER)                                                                     \
    X(KW_MODULE, "module", NL_AFTER)                                                               \
    X(KW_NAMETYPE, "nametype", NL_AFTER)                                                           \
    X(KW_NOT, "not", NL_BOTH)                                                                      \
    X(KW_OR, "or", NL_BOTH)                                                                        \
    X(KW_PRINT, "print", NL_AFTER)                                                                 \
    X(KW_SUBTYPE, "subtype", NL_AFTER)                                                             \
    X(KW_THEN, "then", NL_BOTH)                                                                    \
    X(KW_TIMED, "Timed", NL_AFTER)                                                                 \
    X(KW_TRANSPARENT, "transparent", NL_AFTER)                                                     \
    X(KW_TRUE, "true", NL_BEFORE)                                                                  \
    X(KW_WITHIN, "within", NL_BOTH)                                                                \
    /* brackets */                                                                                 \
    X(LPAREN, "(", NL_AFTER)                                                                       \
    X(RPAREN, ")", NL_BEFORE)                                                                      \
    X(LBRACE, "{", NL_AFTER)                                                                       \
    X(RBRACE, "}", NL_BEFORE)                                                                      \
    X(LBRACKET, "[", NL_BOTH)                                                                      \
    X(RBRACKET, "]", NL_BOTH)                                                                      \
    X(LPIPEBRACE, "{|", NL_AFTER)                                                                  \
    X(RPIPEBRACE, "|}", NL_BEFORE)                                                                 \
    X(LMAP, "(|", NL_AFTER)                                                                        \
    X(RMAP, "|)", NL_BEFORE)                                                                       \
    X(LRENAME, "[[", NL_BOTH)                                                                      \
    X(RRENAME, "]]", NL_BEFORE)                                                                    \
    X(LPAR, "[|", NL_BOTH)                                                                         \
    X(RPAR, "|]", NL_BOTH)                                                                         \
    X(LSYNC, "[+", NL_BOTH)                                                                        \
    X(RSYNC, "+]", NL_BOTH)                                                                        \
    X(LSYNCINT, "/+", NL_BOTH)                                                                     \
    X(RSYNCINT, "+\\", NL_BOTH)                                                                    \
    /* process operators */                                                                        \
    X(EXTCHOICE, "[]", NL_BOTH)                                                                    \
    X(INTCHOICE, "|~|", NL_BOTH)                                                                   \
    X(INTERLEAVE, "|||", NL_BOTH)                                                                  \
    X(PARALLEL, "||", NL_BOTH)                                                                     \
    X(INTERRUPT, "/\\", NL_BOTH)                                                                   \
    X(SLIDING, "[>", NL_BOTH)                                                                      \
    X(EXCEPTION, "|>", NL_BOTH)                                                                    \
    X(PROJECT, "|\\", NL_BOTH)                                                                     \
    X(SEMI, ";", NL_BOTH)                                                                          \
    X(AMP, "&", NL_BOTH)                                                                           \
    X(ARROW, "->", NL_BOTH)                                                                        \
    X(BACKSLASH, "\\", NL_BOTH)                                                                    \
    /* punctuation and value operators */                                                          \
    X(PIPE, "|", NL_BOTH)                                                                          \
    X(COMMA, ",", NL_BOTH)                                                                         \
    X(DOT, ".", NL_BOTH)                                                                           \
    X(DOTDOT, "..", NL_BOTH)                                                                       \
    X(QUESTION, "?", NL_BOTH)                                                                      \
    X(BANG, "!", NL_BOTH)                                                                          \
    X(DOLLAR, "$", NL_BOTH)                                                                        \
    X(COLON, ":", NL_BOTH)                                                                         \
    X(DCOLON, "::", NL_BOTH)                                                                       \
    X(AT, "@", NL_BOTH)                                                                            \
    X(ATAT, "@@", NL_BOTH)                                                                         \
    X(EQUALS, "=", NL_BOTH)                                                                        \
    X(EQ, "==", NL_BOTH)                                                                           \
    X(NE, "!=", NL_BOTH)                                                                           \
    X(LT, "<", NL_AFTER)                                                                           \
    X(GT, ">", NL_BEFORE)                                                                          \
    X(LE, "<=", NL_BOTH)                                                                           \
    X(GE, ">=", NL_BOTH)                                                                           \
    X(EMPTYSEQ, "<>", 0)                                                                           \
    X(DRAWN, "<-", NL_BOTH)                                                                        \
    X(TIE, "<->", NL_BOTH)                                                                         \
    X(PLUS, "+", NL_BOTH)                                                                          \
    X(MINUS, "-", NL_AFTER)                                                                        \
    X(STAR, "*", NL_BOTH)                                                                          \
    X(SLASH, "/", NL_BOTH)                                                                         \
    X(PERCENT, "%", NL_BOTH)                                                                       \
    X(CARET, "^", NL_BOTH)                                                                         \
    X(HASH, "#", NL_AFTER)                                                                         \
    X(YIELD, "=>", NL_BOTH)                                                                        \
    X(YIELDSTAR, "=>*", NL_BOTH)                                                                   \
    X(WILDCARD, "_", NL_BOTH)

#endif
