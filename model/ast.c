/* AST nodes: construction (with the height every node carries) and the parenthesised printer. */
#include "model/ast.h"

#include <stdlib.h>
#include <string.h>

#include "model/lexer.h"

static const char *const kind_names[] = {
#define X(name, printed, layout) printed,
    AST_NODES(X)
#undef X
};
static const char *const kind_layouts[] = {
#define X(name, printed, layout) layout,
    AST_NODES(X)
#undef X
};
static const char *const property_names[] = {
#define X(name, text) text,
    AST_PROPERTIES(X)
#undef X
};

const char *ast_kind_name(enum ast_kind k) { return k < AST_COUNT ? kind_names[k] : "?"; }
const char *ast_kind_layout(enum ast_kind k) { return k < AST_COUNT ? kind_layouts[k] : "?"; }
const char *ast_property_name(enum ast_property p)
{
    return p < PROP_COUNT ? property_names[p] : "?";
}

void ast_fix_height(struct ast_node *n)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < n->nkids; i++)
        if (n->kids[i] && n->kids[i]->height > h) h = n->kids[i]->height;
    n->height = (uint16_t)(h + 1 > 65535 ? 65535 : h + 1);
}

struct ast_node *ast_new(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                         struct ast_node *const *kids, uint32_t n)
{
    struct ast_node *node = arena_alloc(a, sizeof *node);
    node->kind = (uint16_t)kind;
    node->loc = loc;
    node->nkids = n;
    if (n) {
        node->kids = arena_alloc_raw(a, n * sizeof *node->kids);
        memcpy(node->kids, kids, n * sizeof *node->kids);
    }
    ast_fix_height(node);
    return node;
}

struct ast_node *ast_new0(struct arena *a, enum ast_kind kind, struct cspm_loc loc)
{
    return ast_new(a, kind, loc, NULL, 0);
}
struct ast_node *ast_new1(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0)
{
    return ast_new(a, kind, loc, &k0, 1);
}
struct ast_node *ast_new2(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0, struct ast_node *k1)
{
    struct ast_node *k[] = {k0, k1};
    return ast_new(a, kind, loc, k, 2);
}
struct ast_node *ast_new3(struct arena *a, enum ast_kind kind, struct cspm_loc loc,
                          struct ast_node *k0, struct ast_node *k1, struct ast_node *k2)
{
    struct ast_node *k[] = {k0, k1, k2};
    return ast_new(a, kind, loc, k, 3);
}

/* ---- printer ---- */

struct printer {
    FILE *out;
    int indent;
    ast_var_printer *var;         /* optional: prints a variable instead of its name */
    void *ctx;
};

static void print_node(struct printer *p, const struct ast_node *n);

static void put(struct printer *p, const char *s) { fputs(s, p->out); }

static void newline_indent(struct printer *p)
{
    fputc('\n', p->out);
    for (int i = 0; i < p->indent; i++) fputs("    ", p->out);
}

/* Kids FROM..TO-1 separated by SEP. */
static void print_range(struct printer *p, const struct ast_node *n, uint32_t from, uint32_t to,
                        const char *sep)
{
    for (uint32_t i = from; i < to; i++) {
        if (i > from) put(p, sep);
        print_node(p, n->kids[i]);
    }
}

static void print_list(struct printer *p, const struct ast_node *items, const char *sep)
{
    print_range(p, items, 0, items->nkids, sep);
}

static void print_escaped(struct printer *p, const char *s, size_t n, char quote)
{
    fputc(quote, p->out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)quote || c == '\\') fprintf(p->out, "\\%c", c);
        else if (c == '\n') put(p, "\\n");
        else if (c == '\t') put(p, "\\t");
        else if (c == '\r') put(p, "\\r");
        else if (c == '\0') put(p, "\\0");
        else fputc(c, p->out);
    }
    fputc(quote, p->out);
}

static void print_char(struct printer *p, int64_t cp)
{
    char buf[4];
    size_t n;
    if (cp < 0x80) { buf[0] = (char)cp; n = 1; }
    else if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6)); buf[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    }
    else if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12)); buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        buf[0] = (char)(0xF0 | (cp >> 18)); buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    print_escaped(p, buf, n, '\'');
}

static void print_decls(struct printer *p, const struct ast_node *items)
{
    p->indent++;
    for (uint32_t i = 0; i < items->nkids; i++) {
        newline_indent(p);
        print_node(p, items->kids[i]);
    }
    p->indent--;
}

/* `e | stmts` of comprehensions, renamings and linked parallel. */
static void print_stmts_suffix(struct printer *p, const struct ast_node *stmts)
{
    if (stmts->nkids == 0) return;
    put(p, " | ");
    print_list(p, stmts, ", ");
}

static void print_fields(struct printer *p, const struct ast_node *fields)
{
    for (uint32_t i = 0; i < fields->nkids; i++) {
        const struct ast_node *f = fields->kids[i];
        put(p, ast_kind_name(f->kind));
        print_node(p, f->kids[0]);
        if (f->nkids > 1) {
            put(p, ":");
            print_node(p, f->kids[1]);
        }
    }
}

static void print_options(struct printer *p, const struct ast_node *opts)
{
    static const char *const por[] = {"", " [fast]", " [precise]", " [hybrid]"};
    for (uint32_t i = 0; i < opts->nkids; i++) {
        const struct ast_node *o = opts->kids[i];
        if (o->kind == AST_O_TAU_PRIORITY) {
            put(p, " :[tau priority over]: ");
            print_node(p, o->kids[0]);
        } else {
            fprintf(p->out, " :[partial order reduce%s]", por[o->aux & 3]);
        }
    }
}

static void print_model(struct printer *p, int model)
{
    if (model) fprintf(p->out, " [%s]", lex_model_name((enum lex_model)model));
}

static void print_ctors(struct printer *p, const struct ast_node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (i) put(p, " | ");
        put(p, n->kids[i]->name);
        if (n->kids[i]->nkids) {
            put(p, ".");
            print_node(p, n->kids[i]->kids[0]);
        }
    }
}

static void print_node(struct printer *p, const struct ast_node *n)
{
    const struct ast_node *const *k = (const struct ast_node *const *)n->kids;
    enum ast_kind kind = (enum ast_kind)n->kind;
    if (kind >= AST_ADD && kind <= AST_PROJECT) {
        put(p, "(");
        print_node(p, k[0]);
        fprintf(p->out, " %s ", kind_names[kind]);
        print_node(p, k[1]);
        put(p, ")");
        return;
    }
    switch (kind) {
    case AST_ITEMS: print_list(p, n, ", "); break;
    case AST_INT: case AST_P_INT: fprintf(p->out, "%lld", (long long)n->num); break;
    case AST_CHAR: case AST_P_CHAR: print_char(p, n->num); break;
    case AST_STRING: case AST_P_STRING: print_escaped(p, n->name, n->len, '"'); break;
    case AST_BOOL: case AST_P_BOOL: put(p, n->num ? "true" : "false"); break;
    case AST_VAR:
        if (!p->var || !p->var(p->ctx, p->out, n->name)) put(p, n->name);
        break;
    case AST_P_VAR: case AST_T_NAME: put(p, n->name); break;
    case AST_WILDCARD: case AST_P_WILD: put(p, "_"); break;
    case AST_TUPLE: case AST_P_TUPLE: case AST_T_TUPLE:
        put(p, "("); print_range(p, n, 0, n->nkids, ", "); put(p, ")"); break;
    case AST_LIST: case AST_P_LIST:
        put(p, "<"); print_range(p, n, 0, n->nkids, ", "); put(p, ">"); break;
    case AST_LIST_RANGE: case AST_LIST_FROM: case AST_SET_RANGE: case AST_SET_FROM: {
        int list = kind == AST_LIST_RANGE || kind == AST_LIST_FROM;
        int to = kind == AST_LIST_RANGE || kind == AST_SET_RANGE;
        put(p, list ? "<" : "{");
        print_node(p, k[0]);
        put(p, "..");
        if (to) print_node(p, k[1]);
        if (n->nkids > (uint32_t)(1 + to)) print_stmts_suffix(p, k[1 + to]);
        put(p, list ? ">" : "}");
        break;
    }
    case AST_LIST_COMP:
        put(p, "<"); print_list(p, k[0], ", "); print_stmts_suffix(p, k[1]); put(p, ">"); break;
    case AST_SET: case AST_P_SET:
        put(p, "{"); print_range(p, n, 0, n->nkids, ", "); put(p, "}"); break;
    case AST_SET_COMP:
        put(p, "{"); print_list(p, k[0], ", "); print_stmts_suffix(p, k[1]); put(p, "}"); break;
    case AST_ENUM_SET: put(p, "{|"); print_range(p, n, 0, n->nkids, ", "); put(p, "|}"); break;
    case AST_ENUM_SET_COMP:
        put(p, "{|"); print_list(p, k[0], ", "); print_stmts_suffix(p, k[1]); put(p, "|}"); break;
    case AST_MAP: put(p, "(| "); print_range(p, n, 0, n->nkids, ", "); put(p, " |)"); break;
    case AST_MAPLET: print_node(p, k[0]); put(p, " => "); print_node(p, k[1]); break;
    case AST_DOT: case AST_P_DOT: case AST_T_DOT:
        put(p, "("); print_node(p, k[0]); put(p, "."); print_node(p, k[1]); put(p, ")"); break;
    case AST_DOUBLE: case AST_P_DOUBLE: case AST_P_CONCAT: case AST_T_YIELD: case AST_T_YIELD_STAR:
        put(p, "("); print_node(p, k[0]); fprintf(p->out, " %s ", kind_names[kind]);
        print_node(p, k[1]); put(p, ")"); break;
    case AST_APP:
        print_node(p, k[0]); put(p, "("); print_range(p, n, 1, n->nkids, ", "); put(p, ")"); break;
    case AST_IF:
        put(p, "(if "); print_node(p, k[0]); put(p, " then "); print_node(p, k[1]);
        put(p, " else "); print_node(p, k[2]); put(p, ")"); break;
    case AST_LET:
        put(p, "(let"); print_decls(p, k[0]); newline_indent(p); put(p, "within ");
        print_node(p, k[1]); put(p, ")"); break;
    case AST_LAMBDA:
        put(p, "(\\ "); print_list(p, k[0], ", "); put(p, " @ "); print_node(p, k[1]); put(p, ")");
        break;
    case AST_NEG: put(p, "(-"); print_node(p, k[0]); put(p, ")"); break;
    case AST_NOT: put(p, "(not "); print_node(p, k[0]); put(p, ")"); break;
    case AST_LEN: put(p, "(#"); print_node(p, k[0]); put(p, ")"); break;
    case AST_PREFIX:
        put(p, "("); print_node(p, k[0]); print_fields(p, k[1]); put(p, " -> ");
        print_node(p, k[2]); put(p, ")"); break;
    case AST_FIELD_OUT: case AST_FIELD_IN: case AST_FIELD_NDIN: print_fields(p, n); break;
    case AST_GEN_PAR: case AST_EXCEPTION: case AST_SYNC_EXT_CHOICE: case AST_SYNC_INTERRUPT: {
        const char *open = kind == AST_GEN_PAR || kind == AST_EXCEPTION ? "[|"
                         : kind == AST_SYNC_EXT_CHOICE ? "[+" : "/+";
        const char *close = kind == AST_GEN_PAR ? "|]" : kind == AST_EXCEPTION ? "|>"
                          : kind == AST_SYNC_EXT_CHOICE ? "+]" : "+\\";
        put(p, "("); print_node(p, k[0]); fprintf(p->out, " %s ", open); print_node(p, k[1]);
        fprintf(p->out, " %s ", close); print_node(p, k[2]); put(p, ")");
        break;
    }
    case AST_ALPHA_PAR:
        put(p, "("); print_node(p, k[0]); put(p, " ["); print_node(p, k[1]); put(p, " || ");
        print_node(p, k[2]); put(p, "] "); print_node(p, k[3]); put(p, ")"); break;
    case AST_LINK_PAR:
        put(p, "("); print_node(p, k[0]); put(p, " ["); print_list(p, k[1], ", ");
        print_stmts_suffix(p, k[2]); put(p, "] "); print_node(p, k[3]); put(p, ")"); break;
    case AST_TIE: print_node(p, k[0]); put(p, " <-> "); print_node(p, k[1]); break;
    case AST_RENAME:
        put(p, "("); print_node(p, k[0]); put(p, "[["); print_list(p, k[1], ", ");
        print_stmts_suffix(p, k[2]); put(p, "]])"); break;
    case AST_RENAMING: case AST_GEN:
        print_node(p, k[0]); put(p, " <- "); print_node(p, k[1]); break;
    case AST_PRED: print_node(p, k[0]); break;
    case AST_REP_EXT_CHOICE: case AST_REP_INT_CHOICE: case AST_REP_INTERLEAVE: case AST_REP_SEQ_COMP:
        fprintf(p->out, "(%s ", kind_names[kind]); print_list(p, k[0], ", "); put(p, " @ ");
        print_node(p, k[1]); put(p, ")"); break;
    case AST_REP_GEN_PAR: case AST_REP_SYNC_EXT_CHOICE:
        put(p, kind == AST_REP_GEN_PAR ? "([| " : "([+ "); print_node(p, k[0]);
        put(p, kind == AST_REP_GEN_PAR ? " |] " : " +] "); print_list(p, k[1], ", ");
        put(p, " @ "); print_node(p, k[2]); put(p, ")"); break;
    case AST_REP_ALPHA_PAR:
        put(p, "(|| "); print_list(p, k[0], ", "); put(p, " @ ["); print_node(p, k[1]);
        put(p, "] "); print_node(p, k[2]); put(p, ")"); break;
    case AST_REP_LINK_PAR:
        put(p, "(["); print_list(p, k[0], ", "); print_stmts_suffix(p, k[1]); put(p, "] ");
        print_list(p, k[2], ", "); put(p, " @ "); print_node(p, k[3]); put(p, ")"); break;
    case AST_D_FUN:
        for (uint32_t c = 0; c < n->nkids; c++) {
            const struct ast_node *cl = k[c];
            if (c) newline_indent(p);
            put(p, n->name);
            for (uint32_t g = 0; g + 1 < cl->nkids; g++) {
                put(p, "("); print_list(p, cl->kids[g], ", "); put(p, ")");
            }
            put(p, " = ");
            print_node(p, cl->kids[cl->nkids - 1]);
        }
        break;
    case AST_CLAUSE: put(p, "<clause>"); break;
    case AST_D_PAT:
        /* `(1) = 0`: a line may not start with a literal (it would continue the previous
         * one), so patterns other than names and tuples keep their parentheses */
        if (k[0]->kind != AST_P_VAR && k[0]->kind != AST_P_TUPLE) {
            put(p, "(");
            print_node(p, k[0]);
            put(p, ")");
        } else {
            print_node(p, k[0]);
        }
        put(p, " = "); print_node(p, k[1]); break;
    case AST_D_CHANNEL:
        put(p, "channel "); print_list(p, k[0], ", ");
        if (n->nkids > 1) { put(p, " : "); print_node(p, k[1]); }
        break;
    case AST_D_DATATYPE: case AST_D_SUBTYPE:
        fprintf(p->out, "%s %s = ", kind_names[kind], n->name); print_ctors(p, n); break;
    case AST_CTOR: put(p, n->name); break;
    case AST_D_NAMETYPE: fprintf(p->out, "nametype %s = ", n->name); print_node(p, k[0]); break;
    case AST_D_EXTERNAL: case AST_D_TRANSPARENT:
        fprintf(p->out, "%s ", kind_names[kind]); print_range(p, n, 0, n->nkids, ", "); break;
    case AST_D_ASSERT: put(p, "assert "); print_node(p, k[0]); break;
    case AST_D_PRINT: put(p, "print "); print_node(p, k[0]); break;
    case AST_D_MODULE:
        fprintf(p->out, "module %s", n->name);
        if (k[0]->nkids) { put(p, "("); print_list(p, k[0], ", "); put(p, ")"); }
        print_decls(p, k[1]); newline_indent(p); put(p, "exports"); print_decls(p, k[2]);
        newline_indent(p); put(p, "endmodule"); break;
    case AST_D_INSTANCE:
        fprintf(p->out, "instance %s = ", n->name); print_node(p, k[0]);
        if (k[1]->nkids) { put(p, "("); print_list(p, k[1], ", "); put(p, ")"); }
        break;
    case AST_D_TIMED:
        put(p, "Timed");
        if (n->nkids > 1) { put(p, "("); print_node(p, k[1]); put(p, ")"); }
        put(p, " {"); print_decls(p, k[0]); newline_indent(p); put(p, "}"); break;
    case AST_D_ANNOT: print_list(p, k[0], ", "); put(p, " :: "); print_node(p, k[1]); break;
    case AST_A_REFINE:
        print_node(p, k[0]); fprintf(p->out, " [%s= ", lex_model_name((enum lex_model)n->aux));
        print_node(p, k[1]); print_options(p, k[2]); break;
    case AST_A_PROP:
        print_node(p, k[0]); fprintf(p->out, " :[%s", ast_property_name((enum ast_property)n->aux2));
        print_model(p, n->aux); put(p, "]"); print_options(p, k[1]); break;
    case AST_A_HAS_TRACE:
        print_node(p, k[0]); put(p, " :[has trace"); print_model(p, n->aux); put(p, "]: ");
        print_node(p, k[1]); print_options(p, k[2]); break;
    case AST_A_NOT: put(p, "not "); print_node(p, k[0]); break;
    case AST_O_TAU_PRIORITY: case AST_O_POR: print_options(p, n); break;
    case AST_T_SCHEME:
        if (k[0]->nkids) { put(p, "("); print_list(p, k[0], ", "); put(p, ") => "); }
        print_node(p, k[1]); break;
    case AST_T_CONSTRAINT: fprintf(p->out, "%s ", n->name); print_node(p, k[0]); break;
    case AST_T_FUN:
        put(p, "(("); print_list(p, k[0], ", "); put(p, ") -> "); print_node(p, k[1]); put(p, ")");
        break;
    case AST_T_SEQ: put(p, "<"); print_node(p, k[0]); put(p, ">"); break;
    case AST_T_SET: put(p, "{"); print_node(p, k[0]); put(p, "}"); break;
    case AST_T_MAP:
        put(p, "(|"); print_node(p, k[0]); put(p, " => "); print_node(p, k[1]); put(p, "|)"); break;
    default: fprintf(p->out, "<%s>", ast_kind_name(kind)); break;
    }
}

void ast_print(FILE *out, const struct ast_node *n)
{
    struct printer p = {out, 0, NULL, NULL};
    print_node(&p, n);
}

char *ast_to_string_with(const struct ast_node *n, ast_var_printer *var, void *ctx)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    struct printer p = {f, 0, var, ctx};
    print_node(&p, n);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char *ast_to_string(const struct ast_node *n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    ast_print(f, n);
    if (fclose(f) != 0) { free(buf); return NULL; }
    return buf;
}
