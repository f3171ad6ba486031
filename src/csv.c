/* csv.c - CSV tables: RFC 4180 parsing (quotes, CRLF, BOM), column roles, and the feature encoding learnt
 * on the training split (standardised numbers, one-hot text) that is applied unchanged to the test split. */
#include "internal.h"
#include "jsonutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_CATEGORIES 1000
#define MAX_COLUMNS 100000

typedef struct {
    char *name;
    int numeric;
    double mean, std;
    int ncat;
    char **cats;          /* sorted */
} enc_col;

struct bcml_encoder {
    char *label;
    int label_numeric;    /* labels are the integers themselves */
    int num_classes;
    char **class_names;
    int ncols;
    enc_col *cols;        /* feature columns, in output order */
    int64_t dim;
};

/* ---------------------------------------------------------------- parsing */

typedef struct {
    char *buf;            /* unescaped cells, NUL-separated */
    char **all;           /* every cell, the header row first */
    char **cell;          /* [rows * cols]: the data rows, inside all */
    int64_t *line;        /* [rows] line number of each row (1-based, the header is line 1) */
    int64_t rows;         /* data rows */
    int cols;
    char **header;        /* [cols] */
} grid;

static void grid_free(grid *g) {
    free(g->buf);
    free(g->all);
    free(g->line);
    free(g->header);
    memset(g, 0, sizeof *g);
}

/* The cell s[0..n) without its leading and trailing blanks. */
static char *trim(char *s, size_t n) {
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

/* Byte offset of the first invalid UTF-8 sequence, or -1. */
static int64_t bad_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull))) { i += 8; continue; } /* 8 ASCII bytes */
        unsigned c = s[i];
        int k = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (k < 0 || i + (size_t)k >= n + (k == 0)) return (int64_t)i;
        for (int j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return (int64_t)i;
        i += (size_t)k + 1;
    }
    return -1;
}

static bcml_status parse_grid(const char *text, size_t len, char delim, const char *what, grid *g, bcml_error *err) {
    memset(g, 0, sizeof *g);
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    int64_t bad = bad_utf8((const unsigned char *)text, len);
    if (bad >= 0) return bcml__fail(err, BCML_EFORMAT, "%s: not UTF-8 text (byte %lld)", what, (long long)bad);
    if (memchr(text, 0, len)) return bcml__fail(err, BCML_EFORMAT, "%s: contains a NUL byte; not a CSV text file", what);
    g->buf = bcml__alloc(len + 1, 1);
    size_t cap_cells = 1024, ncells = 0, cap_rows = 256;
    size_t *starts = bcml__alloc(cap_cells, sizeof(size_t));
    int64_t *row_cells = bcml__alloc(cap_rows, sizeof(int64_t)), *row_line = bcml__alloc(cap_rows, sizeof(int64_t));
    bcml_status s = BCML_OK;
    if (!g->buf || !starts || !row_cells || !row_line) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
    unsigned char ends_field[256] = {0};
    ends_field[(unsigned char)delim] = ends_field['\n'] = ends_field['\r'] = 1;
    size_t o = 0, i = 0;
    int64_t nrows = 0, line = 1;
    while (i < len) {
        /* one record */
        int64_t rec_line = line, fields = 0;
        int blank = 1;
        for (;;) {
            if (ncells == cap_cells) {
                size_t *ns = bcml__realloc(starts, cap_cells * 2, sizeof(size_t));
                if (!ns) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
                starts = ns;
                cap_cells *= 2;
            }
            starts[ncells++] = o;
            fields++;
            if (i < len && text[i] == '"') {
                blank = 0;
                int64_t qline = line;
                i++;
                for (;;) {
                    if (i >= len) { s = bcml__fail(err, BCML_EFORMAT, "%s: line %lld: a quoted field is never closed", what, (long long)qline); goto done; }
                    if (text[i] == '"') {
                        if (i + 1 < len && text[i + 1] == '"') { g->buf[o++] = '"'; i += 2; continue; }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    g->buf[o++] = text[i++];
                }
                while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
                if (i < len && text[i] != delim && text[i] != '\n' && text[i] != '\r') {
                    s = bcml__fail(err, BCML_EFORMAT, "%s: line %lld: text after a closing quote", what, (long long)line);
                    goto done;
                }
            } else {
                size_t j = i;
                while (j < len && !ends_field[(unsigned char)text[j]]) j++;
                memcpy(g->buf + o, text + i, j - i);
                for (size_t k = i; k < j && blank; k++) blank = text[k] == ' ' || text[k] == '\t';
                o += j - i;
                i = j;
            }
            g->buf[o++] = 0;
            if (i < len && text[i] == delim) { i++; blank = 0; continue; }
            if (i < len && text[i] == '\r') i++;
            if (i < len && text[i] == '\n') i++;
            line++;
            break;
        }
        if (blank && fields == 1) { o = starts[--ncells]; continue; } /* empty line: its cell is dropped */
        if ((size_t)nrows == cap_rows) {
            int64_t *a = bcml__realloc(row_cells, cap_rows * 2, sizeof(int64_t)), *b = a ? bcml__realloc(row_line, cap_rows * 2, sizeof(int64_t)) : NULL;
            if (a) row_cells = a;
            if (!a || !b) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
            row_line = b;
            cap_rows *= 2;
        }
        row_cells[nrows] = fields;
        row_line[nrows++] = rec_line;
    }
    if (nrows == 0) { s = bcml__fail(err, BCML_EFORMAT, "%s: empty: no header row", what); goto done; }
    g->cols = (int)row_cells[0];
    if (row_cells[0] > MAX_COLUMNS) { s = bcml__fail(err, BCML_EFORMAT, "%s: more than %d columns", what, MAX_COLUMNS); goto done; }
    if (nrows == 1) { s = bcml__fail(err, BCML_EFORMAT, "%s: a header but no data rows", what); goto done; }
    for (int64_t r = 1; r < nrows; r++)
        if (row_cells[r] != g->cols) {
            s = bcml__fail(err, BCML_EFORMAT, "%s: line %lld has %lld fields, the header has %d", what, (long long)row_line[r],
                           (long long)row_cells[r], g->cols);
            goto done;
        }
    g->rows = nrows - 1;
    g->all = bcml__alloc(ncells, sizeof(char *));
    g->line = bcml__alloc((size_t)g->rows, sizeof(int64_t));
    g->header = bcml__alloc((size_t)g->cols, sizeof(char *));
    if (!g->all || !g->line || !g->header) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
    for (size_t c = 0; c < ncells; c++) g->all[c] = trim(g->buf + starts[c], (c + 1 < ncells ? starts[c + 1] : o) - 1 - starts[c]);
    g->cell = g->all + g->cols;
    for (int c = 0; c < g->cols; c++) {
        g->header[c] = g->all[c];
        if (!*g->header[c]) { s = bcml__fail(err, BCML_EFORMAT, "%s: header column %d has no name", what, c + 1); goto done; }
        for (int k = 0; k < c; k++)
            if (strcmp(g->header[k], g->header[c]) == 0) {
                s = bcml__fail(err, BCML_EFORMAT, "%s: the header names column \"%s\" twice", what, g->header[c]);
                goto done;
            }
    }
    for (int64_t r = 0; r < g->rows; r++) g->line[r] = row_line[r + 1];
done:
    free(starts);
    free(row_cells);
    free(row_line);
    if (s) grid_free(g);
    return s;
}

/* ---------------------------------------------------------------- encoding */

static int parse_number(const char *s, double *v) {
    /* whole numbers of up to 15 digits, most cells of a table, are exact in a double without strtod */
    const char *p = s + (*s == '-');
    int64_t m = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 16; p++, digits++) m = m * 10 + (*p - '0');
    if (!*p && digits && digits <= 15) {
        *v = *s == '-' ? -(double)m : (double)m;
        return 1;
    }
    char *end;
    if (!*s) return 0;
    *v = strtod(s, &end);
    return *end == 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = bcml__alloc(n, 1);
    if (d) memcpy(d, s, n);
    return d;
}

void bcml_encoder_free(bcml_encoder *e) {
    if (!e) return;
    free(e->label);
    for (int i = 0; e->class_names && i < e->num_classes; i++) free(e->class_names[i]);
    free(e->class_names);
    for (int c = 0; e->cols && c < e->ncols; c++) {
        free(e->cols[c].name);
        for (int k = 0; e->cols[c].cats && k < e->cols[c].ncat; k++) free(e->cols[c].cats[k]);
        free(e->cols[c].cats);
    }
    free(e->cols);
    free(e);
}

/* Sorted distinct values of column c (pointers into the grid); *n of them. Hashed first, so that only the
 * distinct values (few, in a column worth encoding) are sorted. */
static char **distinct(const grid *g, int c, int *n, bcml_status *s, const char *what, bcml_error *err) {
    bcml__strset set = {0};
    char **v = NULL;
    int64_t r = 0;
    for (; r < g->rows && bcml__strset_add(&set, g->cell[r * g->cols + c]) >= 0; r++) {}
    if (r == g->rows && (v = bcml__alloc((size_t)set.n, sizeof(char *)))) {
        memcpy(v, set.key, (size_t)set.n * sizeof(char *));
        qsort(v, (size_t)set.n, sizeof(char *), cmp_str);
        *n = set.n;
    } else *s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what);
    bcml__strset_free(&set);
    return v;
}

static int find_col(const grid *g, const char *name) {
    for (int c = 0; c < g->cols; c++)
        if (strcmp(g->header[c], name) == 0) return c;
    return -1;
}

static bcml_status no_column(const grid *g, const char *what, const char *role, const char *name, bcml_error *err) {
    char list[300] = "";
    for (int c = 0; c < g->cols && strlen(list) < 250; c++) {
        if (c) strcat(list, ", ");
        strncat(list, g->header[c], 250 - strlen(list));
    }
    return bcml__fail(err, BCML_EINVAL, "%s: no %s column \"%s\" (columns: %s)", what, role, name, list);
}

static bcml_status learn(const grid *g, const char *what, const bcml_csv_options *o, const int *role, int label_col,
                         bcml_encoder **out, bcml_error *err) {
    bcml_status s = BCML_OK;
    bcml_encoder *e = bcml__calloc(1, sizeof *e);
    if (!e || !(e->label = dup(o->label)) || !(e->cols = bcml__calloc((size_t)g->cols, sizeof(enc_col))))
        { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto fail; }
    /* labels: whole numbers >= 0 stand for themselves; anything else is a class name */
    int nd;
    char **vals = distinct(g, label_col, &nd, &s, what, err);
    if (!vals) goto fail;
    e->label_numeric = 1;
    double mx = -1, v = 0;
    for (int k = 0; k < nd; k++) {
        if (!parse_number(vals[k], &v) || v < 0 || v != floor(v) || v > 65535) e->label_numeric = 0;
        else if (v > mx) mx = v;
    }
    e->num_classes = e->label_numeric ? (int)mx + 1 : nd;
    if (!e->label_numeric && nd > 65536) { free(vals); s = bcml__fail(err, BCML_EINVAL, "%s: more than 65536 labels", what); goto fail; }
    if (!(e->class_names = bcml__calloc((size_t)e->num_classes, sizeof(char *)))) { free(vals); s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto fail; }
    for (int k = 0; k < e->num_classes; k++) {
        char num[16];
        snprintf(num, sizeof num, "%d", k);
        if (!(e->class_names[k] = dup(e->label_numeric ? num : vals[k]))) { free(vals); s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto fail; }
    }
    free(vals);
    for (int c = 0; c < g->cols; c++) {
        if (role[c]) continue;
        enc_col *ec = &e->cols[e->ncols++];
        if (!(ec->name = dup(g->header[c]))) { s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto fail; }
        int64_t numeric = 0, first_text = -1;
        double sum = 0;
        for (int64_t r = 0; r < g->rows; r++) {
            if (parse_number(g->cell[r * g->cols + c], &v)) {
                if (!isfinite(v))
                    return bcml_encoder_free(e), bcml__fail(err, BCML_EINVAL, "%s: line %lld, column \"%s\": %s is not a finite number",
                                                           what, (long long)g->line[r], g->header[c], g->cell[r * g->cols + c]);
                numeric++;
                sum += v;
            } else if (first_text < 0) first_text = r;
        }
        if (numeric == g->rows) {
            ec->numeric = 1;
            ec->mean = sum / g->rows;
            double ss = 0;
            for (int64_t r = 0; r < g->rows; r++) {
                parse_number(g->cell[r * g->cols + c], &v);
                ss += (v - ec->mean) * (v - ec->mean);
            }
            ec->std = sqrt(ss / g->rows);
            if (!(ec->std > 0)) ec->std = 1; /* a constant column stays 0 */
            e->dim++;
            continue;
        }
        char **cats = distinct(g, c, &ec->ncat, &s, what, err);
        if (!cats) goto fail;
        if (numeric > 0 && ec->ncat > 50) {
            free(cats);
            s = bcml__fail(err, BCML_EINVAL, "%s: column \"%s\" is numbers except \"%s\" at line %lld; clean it, or name it in "
                           "\"ignore\"", what, g->header[c], g->cell[first_text * g->cols + c], (long long)g->line[first_text]);
            goto fail;
        }
        if (ec->ncat > MAX_CATEGORIES) {
            free(cats);
            s = bcml__fail(err, BCML_EINVAL, "%s: column \"%s\" has %d distinct text values (more than %d); if it is an id, "
                           "name it as \"id\", else in \"ignore\"", what, g->header[c], ec->ncat, MAX_CATEGORIES);
            goto fail;
        }
        if (!(ec->cats = bcml__calloc((size_t)ec->ncat, sizeof(char *)))) { free(cats); s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto fail; }
        for (int k = 0; k < ec->ncat; k++)
            if (!(ec->cats[k] = dup(cats[k]))) { free(cats); s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto fail; }
        free(cats);
        e->dim += ec->ncat;
    }
    if (e->dim == 0) { s = bcml__fail(err, BCML_EINVAL, "%s: no feature columns left", what); goto fail; }
    *out = e;
    return BCML_OK;
fail:
    bcml_encoder_free(e);
    return s;
}

/* Lookup of n distinct strings by content: the id of each is its index. */
static int index_texts(char *const *texts, int n, bcml__strset *set) {
    for (int k = 0; k < n; k++)
        if (bcml__strset_add(set, texts[k]) < 0) return -1;
    return 0;
}

void bcml_table_free(bcml_table *t) {
    if (!t) return;
    free(t->x);
    free(t->y);
    free(t->ids);
    for (int i = 0; t->class_names && i < t->num_classes; i++) free(t->class_names[i]);
    free(t->class_names);
    for (int i = 0; t->slices && i < t->num_slices; i++) bcml_slice_column_free(&t->slices[i]);
    free(t->slices);
    for (int64_t i = 0; t->feature_names && i < t->dim; i++) free(t->feature_names[i]);
    free(t->feature_names);
    memset(t, 0, sizeof *t);
}

static bcml_status apply(const grid *g, const char *what, const bcml_csv_options *o, const bcml_encoder *e,
                         int label_col, int id_col, bcml_table *t, bcml_error *err) {
    int64_t n = g->rows;
    t->n = n;
    t->dim = e->dim;
    t->num_classes = e->num_classes;
    int *src = bcml__alloc((size_t)(e->ncols ? e->ncols : 1), sizeof(int));
    bcml__strset *look = bcml__calloc((size_t)e->ncols + 1, sizeof *look); /* [ncols]: the class names */
    t->x = bcml__alloc((size_t)n, (size_t)e->dim * sizeof(float));
    t->y = bcml__alloc((size_t)n, sizeof(int32_t));
    t->class_names = bcml__calloc((size_t)e->num_classes, sizeof(char *));
    t->feature_names = bcml__calloc((size_t)e->dim, sizeof(char *));
    bcml_status s = BCML_OK;
    if (!src || !look || !t->x || !t->y || !t->class_names || !t->feature_names) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
    for (int k = 0; k < e->num_classes; k++) t->class_names[k] = dup(e->class_names[k]);
    int nomem = !e->label_numeric && index_texts(e->class_names, e->num_classes, &look[e->ncols]);
    for (int c = 0; c < e->ncols && !nomem; c++) nomem = !e->cols[c].numeric && index_texts(e->cols[c].cats, e->cols[c].ncat, &look[c]);
    if (nomem) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
    int64_t f = 0;
    for (int c = 0; c < e->ncols; c++) {
        const enc_col *ec = &e->cols[c];
        if ((src[c] = find_col(g, ec->name)) < 0) { s = bcml__fail(err, BCML_EINVAL, "%s: no column \"%s\", which the encoding learnt on the training split needs", what, ec->name); goto done; }
        if (ec->numeric) t->feature_names[f++] = dup(ec->name);
        else
            for (int k = 0; k < ec->ncat; k++) {
                size_t l = strlen(ec->name) + strlen(ec->cats[k]) + 2;
                if ((t->feature_names[f] = bcml__alloc(l, 1))) snprintf(t->feature_names[f], l, "%s=%s", ec->name, ec->cats[k]);
                f++;
            }
    }
    for (int64_t r = 0; r < n; r++) {
        const char *lab = g->cell[r * g->cols + label_col];
        double v;
        int y = -1;
        if (e->label_numeric) {
            if (parse_number(lab, &v) && v >= 0 && v == floor(v) && v < e->num_classes) y = (int)v;
        } else {
            y = bcml__strset_find(&look[e->ncols], lab);
        }
        if (y < 0) {
            s = bcml__fail(err, BCML_EINVAL, "%s: line %lld: label \"%s\" is not one of the %d classes of the training split", what,
                           (long long)g->line[r], lab, e->num_classes);
            goto done;
        }
        t->y[r] = y;
        float *row = t->x + r * e->dim;
        f = 0;
        for (int c = 0; c < e->ncols; c++) {
            const enc_col *ec = &e->cols[c];
            const char *cell = g->cell[r * g->cols + src[c]];
            if (ec->numeric) {
                if (!parse_number(cell, &v) || !isfinite(v)) {
                    s = bcml__fail(err, BCML_EINVAL, "%s: line %lld, column \"%s\": \"%s\" is not a finite number", what,
                                   (long long)g->line[r], ec->name, cell);
                    goto done;
                }
                row[f++] = (float)((v - ec->mean) / ec->std);
            } else {
                int k = bcml__strset_find(&look[c], cell);
                for (int j = 0; j < ec->ncat; j++) row[f + j] = j == k ? 1.0f : 0.0f; /* unseen: all zeros */
                f += ec->ncat;
            }
        }
    }
    if (id_col >= 0) {
        if (!(t->ids = bcml__alloc((size_t)n, sizeof(int64_t)))) { s = bcml__fail(err, BCML_ENOMEM, "out of memory"); goto done; }
        for (int64_t r = 0; r < n; r++) {
            double v;
            const char *cell = g->cell[r * g->cols + id_col];
            if (!parse_number(cell, &v) || v != floor(v) || fabs(v) > 9007199254740992.0) {
                s = bcml__fail(err, BCML_EINVAL, "%s: line %lld: id \"%s\" is not a whole number", what, (long long)g->line[r], cell);
                goto done;
            }
            t->ids[r] = (int64_t)v;
        }
    }
    if (o->num_slices) {
        const char **vals = bcml__alloc((size_t)n, sizeof(char *));
        if (!vals || !(t->slices = bcml__calloc((size_t)o->num_slices, sizeof(bcml_slice_column)))) {
            free(vals);
            s = bcml__fail(err, BCML_ENOMEM, "out of memory");
            goto done;
        }
        for (int k = 0; k < o->num_slices && !s; k++) {
            int c = find_col(g, o->slices[k]);
            for (int64_t r = 0; r < n; r++) vals[r] = g->cell[r * g->cols + c];
            if (!(s = bcml_slice_column_build(o->slices[k], vals, n, &t->slices[k], err))) t->num_slices++;
        }
        free(vals);
    }
done:
    free(src);
    for (int c = 0; look && c <= e->ncols; c++) bcml__strset_free(&look[c]);
    free(look);
    if (s) bcml_table_free(t);
    return s;
}

bcml_status bcml_csv_read(const char *text, size_t len, const char *what, const bcml_csv_options *o,
                          const bcml_encoder *enc, bcml_table *out, bcml_encoder **learnt, bcml_error *err) {
    memset(out, 0, sizeof *out);
    if (learnt) *learnt = NULL;
    if (!o || !o->label) return bcml__fail(err, BCML_EINVAL, "%s: the label column must be named", what);
    if (!enc && !learnt) return bcml__fail(err, BCML_EINVAL, "%s: no encoding given and nowhere to return one", what);
    grid g;
    bcml_status s = parse_grid(text, len, o->delimiter ? o->delimiter : ',', what, &g, err);
    if (s) return s;
    int *role = bcml__calloc((size_t)g.cols, sizeof(int)); /* 0 feature, 1 label, 2 id, 3 slice, 4 ignored */
    bcml_encoder *mine = NULL;
    int label_col = find_col(&g, o->label), id_col = o->id ? find_col(&g, o->id) : -1;
    if (!role) { s = bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what); goto done; }
    if (label_col < 0) { s = no_column(&g, what, "label", o->label, err); goto done; }
    if (o->id && id_col < 0) { s = no_column(&g, what, "id", o->id, err); goto done; }
    role[label_col] = 1;
    if (id_col >= 0) role[id_col] = 2;
    for (int k = 0; k < o->num_slices; k++) {
        int c = find_col(&g, o->slices[k]);
        if (c < 0) { s = no_column(&g, what, "slice", o->slices[k], err); goto done; }
        role[c] = 3;
    }
    for (int k = 0; k < o->num_ignore; k++) {
        int c = find_col(&g, o->ignore[k]);
        if (c < 0) { s = no_column(&g, what, "ignored", o->ignore[k], err); goto done; }
        role[c] = 4;
    }
    if (!enc) {
        if ((s = learn(&g, what, o, role, label_col, &mine, err))) goto done;
        enc = mine;
    } else {
        for (int c = 0; c < g.cols; c++) {
            if (role[c]) continue;
            int known = 0;
            for (int k = 0; k < enc->ncols; k++) known |= strcmp(enc->cols[k].name, g.header[c]) == 0;
            if (!known) {
                s = bcml__fail(err, BCML_EINVAL, "%s: column \"%s\" was not in the training split (name it in \"ignore\")", what,
                               g.header[c]);
                goto done;
            }
        }
    }
    if ((s = apply(&g, what, o, enc, label_col, id_col, out, err))) goto done;
    if (mine) { *learnt = mine; mine = NULL; }
done:
    bcml_encoder_free(mine);
    free(role);
    grid_free(&g);
    return s;
}

/* ---------------------------------------------------------------- the encoding as JSON */

bcml_status bcml_encoder_to_json(const bcml_encoder *e, char **json, bcml_error *err) {
    cJSON *o = cJSON_CreateObject(), *classes = cJSON_AddArrayToObject(o, "classes"), *cols = cJSON_AddArrayToObject(o, "columns");
    cJSON_AddStringToObject(o, "label", e->label);
    cJSON_AddBoolToObject(o, "label_numeric", e->label_numeric);
    for (int k = 0; k < e->num_classes; k++) cJSON_AddItemToArray(classes, cJSON_CreateString(e->class_names[k]));
    for (int c = 0; c < e->ncols; c++) {
        const enc_col *ec = &e->cols[c];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", ec->name);
        if (ec->numeric) {
            bcml__json_add_number(j, "mean", ec->mean);
            bcml__json_add_number(j, "std", ec->std);
        } else {
            cJSON *cats = cJSON_AddArrayToObject(j, "categories");
            for (int k = 0; k < ec->ncat; k++) cJSON_AddItemToArray(cats, cJSON_CreateString(ec->cats[k]));
        }
        cJSON_AddItemToArray(cols, j);
    }
    *json = bcml__json_print(o);
    cJSON_Delete(o);
    return *json ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "encoding: out of memory");
}

bcml_status bcml_encoder_from_json(const char *json, bcml_encoder **out, bcml_error *err) {
    *out = NULL;
    cJSON *o = cJSON_Parse(json);
    bcml_encoder *e = bcml__calloc(1, sizeof *e);
    bcml_status s = BCML_OK;
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(o, "label"), *classes = cJSON_GetObjectItemCaseSensitive(o, "classes");
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(o, "columns"), *it;
    if (!e) { s = bcml__fail(err, BCML_ENOMEM, "encoding: out of memory"); goto fail; }
    if (!cJSON_IsString(label) || !cJSON_IsArray(classes) || !cJSON_IsArray(cols) || cJSON_GetArraySize(classes) < 1) {
        s = bcml__fail(err, BCML_EFORMAT, "encoding: expected {\"label\", \"classes\", \"columns\"}");
        goto fail;
    }
    e->label = dup(label->valuestring);
    e->label_numeric = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "label_numeric"));
    e->num_classes = cJSON_GetArraySize(classes);
    e->class_names = bcml__calloc((size_t)e->num_classes, sizeof(char *));
    e->cols = bcml__calloc((size_t)(cJSON_GetArraySize(cols) + 1), sizeof(enc_col));
    if (!e->label || !e->class_names || !e->cols) { s = bcml__fail(err, BCML_ENOMEM, "encoding: out of memory"); goto fail; }
    int k = 0;
    cJSON_ArrayForEach(it, classes) {
        if (!cJSON_IsString(it)) { s = bcml__fail(err, BCML_EFORMAT, "encoding: class %d is not a string", k); goto fail; }
        if (!(e->class_names[k++] = dup(it->valuestring))) { s = bcml__fail(err, BCML_ENOMEM, "encoding: out of memory"); goto fail; }
    }
    bcml__strset seen = {0};
    int32_t id = 0;
    for (k = 0; k < e->num_classes && (id = bcml__strset_add(&seen, e->class_names[k])) == k; k++) {}
    bcml__strset_free(&seen);
    if (k < e->num_classes) {
        s = id < 0 ? bcml__fail(err, BCML_ENOMEM, "encoding: out of memory")
                   : bcml__fail(err, BCML_EFORMAT, "encoding: class \"%s\" is listed twice", e->class_names[k]);
        goto fail;
    }
    cJSON_ArrayForEach(it, cols) {
        enc_col *ec = &e->cols[e->ncols++];
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name"), *cats = cJSON_GetObjectItemCaseSensitive(it, "categories");
        if (!cJSON_IsString(name)) { s = bcml__fail(err, BCML_EFORMAT, "encoding: column %d has no name", e->ncols - 1); goto fail; }
        ec->name = dup(name->valuestring);
        if (cJSON_IsArray(cats)) {
            ec->ncat = cJSON_GetArraySize(cats);
            ec->cats = bcml__calloc((size_t)(ec->ncat + 1), sizeof(char *));
            int j = 0;
            const cJSON *c;
            cJSON_ArrayForEach(c, cats)
                if (!(ec->cats[j++] = dup(cJSON_IsString(c) ? c->valuestring : ""))) { s = bcml__fail(err, BCML_ENOMEM, "encoding: out of memory"); goto fail; }
            qsort(ec->cats, (size_t)ec->ncat, sizeof(char *), cmp_str);
            for (j = 1; j < ec->ncat; j++)
                if (strcmp(ec->cats[j - 1], ec->cats[j]) == 0) {
                    s = bcml__fail(err, BCML_EFORMAT, "encoding: column \"%s\" lists category \"%s\" twice", ec->name, ec->cats[j]);
                    goto fail;
                }
            e->dim += ec->ncat;
        } else {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "mean"), *sd = cJSON_GetObjectItemCaseSensitive(it, "std");
            if (!cJSON_IsNumber(m) || !cJSON_IsNumber(sd) || !(sd->valuedouble > 0)) {
                s = bcml__fail(err, BCML_EFORMAT, "encoding: column \"%s\" needs a mean and a positive std", ec->name);
                goto fail;
            }
            ec->numeric = 1;
            ec->mean = m->valuedouble;
            ec->std = sd->valuedouble;
            e->dim++;
        }
    }
    cJSON_Delete(o);
    *out = e;
    return BCML_OK;
fail:
    cJSON_Delete(o);
    bcml_encoder_free(e);
    return s;
}

bcml_status bcml_csv_cells_json(const char *text, size_t len, char delimiter, const char *what, char **json,
                                bcml_error *err) {
    *json = NULL;
    grid g;
    bcml_status s = parse_grid(text, len, delimiter ? delimiter : ',', what, &g, err);
    if (s) return s;
    cJSON *o = cJSON_CreateObject(), *h = cJSON_AddArrayToObject(o, "header"), *rows = cJSON_AddArrayToObject(o, "rows");
    for (int c = 0; c < g.cols; c++) cJSON_AddItemToArray(h, cJSON_CreateString(g.header[c]));
    for (int64_t r = 0; r < g.rows; r++) {
        cJSON *row = cJSON_CreateArray();
        for (int c = 0; c < g.cols; c++) cJSON_AddItemToArray(row, cJSON_CreateString(g.cell[r * g.cols + c]));
        cJSON_AddItemToArray(rows, row);
    }
    *json = bcml__json_print(o);
    cJSON_Delete(o);
    grid_free(&g);
    return *json ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "%s: out of memory", what);
}
