/* test_formats.c - NPY, NPZ, IDX, CSV and PNG readers/writers: good files, and broken ones rejected with
 * messages that say what and where. Files are built byte by byte here. */
#include "check.h"

#include <stdlib.h>
#include <zlib.h>

typedef struct { unsigned char *b; size_t n, cap; } buf;

static void put(buf *o, const void *p, size_t n) {
    if (o->n + n > o->cap) { o->cap = (o->n + n) * 2 + 64; o->b = realloc(o->b, o->cap); }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void put_le(buf *o, uint64_t v, int n) { for (int i = 0; i < n; i++) { unsigned char c = (unsigned char)(v >> (8 * i)); put(o, &c, 1); } }

/* A version-1 .npy with the given header dict and raw data. */
static buf npy(const char *dict, const void *data, size_t n) {
    buf o = {0};
    put(&o, "\x93NUMPY\x01\x00", 8);
    char h[256];
    int len = snprintf(h, sizeof h, "%s", dict);
    while ((10 + len + 1) % 64) h[len++] = ' ';
    h[len++] = '\n';
    put_le(&o, (uint64_t)len, 2);
    put(&o, h, (size_t)len);
    put(&o, data, n);
    return o;
}

static void test_npy(void) {
    const float f[6] = {1, 2, 3, 4, 5.5f, -6};
    buf b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f);
    bcml_array a;
    CHECK_OK(bcml_npy_read(b.b, b.n, "x.npy", &a, &err));
    CHECK(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && a.data[4] == 5.5f && !a.integer);
    CHECK(bcml_array_row_size(&a) == 3);
    bcml_array_free(&a);
    CHECK_FAILS(bcml_npy_read(b.b, b.n - 5, "x.npy", &a, &err), BCML_EFORMAT, "x.npy: truncated: the shape needs 24 bytes of data, the file has 19");
    b.b[1] = 'X';
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "x.npy", &a, &err), BCML_EFORMAT, "bad magic");
    free(b.b);
    const int64_t l[3] = {2, 0, 1};
    b = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", l, sizeof l);
    CHECK_OK(bcml_npy_read(b.b, b.n, "y.npy", &a, &err));
    CHECK(a.ndim == 1 && a.shape[0] == 3 && a.data[0] == 2 && a.integer);
    bcml_array_free(&a);
    free(b.b);
    const unsigned char u[4] = {0, 255, 7, 9};
    b = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", u, 4);
    CHECK_OK(bcml_npy_read(b.b, b.n, "u.npy", &a, &err));
    CHECK(a.data[1] == 255);
    bcml_array_free(&a);
    free(b.b);
    b = npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f);
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "be.npy", &a, &err), BCML_EFORMAT, "big-endian");
    free(b.b);
    b = npy("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", f, sizeof f);
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "c.npy", &a, &err), BCML_EFORMAT, "dtype '<c8' is not supported");
    free(b.b);
    b = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f, sizeof f);
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "fo.npy", &a, &err), BCML_EFORMAT, "Fortran");
    free(b.b);
    b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 1000), }", f, sizeof f);
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "big.npy", &a, &err), BCML_EFORMAT, "big.npy");
    CHECK(a.data == NULL);
    free(b.b);
    const float nanv[2] = {1, NAN};
    b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", nanv, sizeof nanv);
    CHECK_FAILS(bcml_npy_read(b.b, b.n, "nan.npy", &a, &err), BCML_EFORMAT, "element 1 is NaN");
    free(b.b);
    CHECK_FAILS(bcml_npy_read((const unsigned char *)"", 0, "empty.npy", &a, &err), BCML_EFORMAT, "empty.npy: not a .npy");
}

/* A zip with one member, stored or deflated. */
static buf zip1(const char *name, const buf *data, int use_deflate, int corrupt_crc) {
    buf o = {0};
    uLong crc = crc32(0L, data->b, (uInt)data->n) ^ (corrupt_crc ? 1u : 0u);
    unsigned char *comp = malloc(data->n * 2 + 64);
    size_t csize = data->n;
    if (use_deflate) {
        z_stream z;
        memset(&z, 0, sizeof z);
        deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        z.next_in = data->b;
        z.avail_in = (uInt)data->n;
        z.next_out = comp;
        z.avail_out = (uInt)(data->n * 2 + 64);
        deflate(&z, Z_FINISH);
        csize = z.total_out;
        deflateEnd(&z);
    } else {
        memcpy(comp, data->b, data->n);
    }
    size_t nl = strlen(name);
    put_le(&o, 0x04034b50, 4); put_le(&o, 20, 2); put_le(&o, 0, 2); put_le(&o, use_deflate ? 8 : 0, 2);
    put_le(&o, 0, 4); put_le(&o, crc, 4); put_le(&o, csize, 4); put_le(&o, data->n, 4);
    put_le(&o, nl, 2); put_le(&o, 0, 2); put(&o, name, nl); put(&o, comp, csize);
    size_t cd = o.n;
    put_le(&o, 0x02014b50, 4); put_le(&o, 20, 2); put_le(&o, 20, 2); put_le(&o, 0, 2); put_le(&o, use_deflate ? 8 : 0, 2);
    put_le(&o, 0, 4); put_le(&o, crc, 4); put_le(&o, csize, 4); put_le(&o, data->n, 4);
    put_le(&o, nl, 2); put_le(&o, 0, 2); put_le(&o, 0, 2); put_le(&o, 0, 2); put_le(&o, 0, 2); put_le(&o, 0, 4);
    put_le(&o, 0, 4); put(&o, name, nl);
    size_t cdsize = o.n - cd;
    put_le(&o, 0x06054b50, 4); put_le(&o, 0, 2); put_le(&o, 0, 2); put_le(&o, 1, 2); put_le(&o, 1, 2);
    put_le(&o, cdsize, 4); put_le(&o, cd, 4); put_le(&o, 0, 2);
    free(comp);
    return o;
}

static void test_npz(void) {
    float f[100];
    for (int i = 0; i < 100; i++) f[i] = (float)(i % 7);
    buf inner = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 10), }", f, sizeof f);
    bcml_array a;
    for (int deflate = 0; deflate < 2; deflate++) {
        buf z = zip1("x.npy", &inner, deflate, 0);
        CHECK_OK(bcml_npz_read(z.b, z.n, "x", "d.npz", &a, &err));
        CHECK(a.shape[0] == 10 && a.data[99] == (float)(99 % 7));
        bcml_array_free(&a);
        CHECK_FAILS(bcml_npz_read(z.b, z.n, "y", "d.npz", &a, &err), BCML_EINVAL, "no member \"y.npy\" (members: x.npy)");
        free(z.b);
    }
    buf z = zip1("x.npy", &inner, 1, 1);
    CHECK_FAILS(bcml_npz_read(z.b, z.n, "x", "d.npz", &a, &err), BCML_EFORMAT, "CRC mismatch");
    CHECK_FAILS(bcml_npz_read(z.b, z.n - 30, "x", "d.npz", &a, &err), BCML_EFORMAT, "d.npz");
    free(z.b);
    CHECK_FAILS(bcml_npz_read((const unsigned char *)"PK not really a zip file at all", 31, "x", "d.npz", &a, &err),
                BCML_EFORMAT, "no central directory");
    free(inner.b);
}

static void test_idx(void) {
    buf o = {0};
    put(&o, "\x00\x00\x08\x03", 4);
    put(&o, "\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x03", 12);
    for (int i = 0; i < 12; i++) { unsigned char c = (unsigned char)(i * 20); put(&o, &c, 1); }
    bcml_array a;
    CHECK_OK(bcml_idx_read(o.b, o.n, "img.idx", &a, &err));
    CHECK(a.ndim == 3 && a.shape[0] == 2 && a.shape[2] == 3 && a.data[11] == 220 && a.integer);
    bcml_array_free(&a);
    CHECK_FAILS(bcml_idx_read(o.b, o.n - 1, "img.idx", &a, &err), BCML_EFORMAT, "truncated: the header declares 12 values");
    o.b[2] = 0x07;
    CHECK_FAILS(bcml_idx_read(o.b, o.n, "img.idx", &a, &err), BCML_EFORMAT, "unknown IDX data type 0x07");
    o.b[2] = 0x08;
    o.b[1] = 1;
    CHECK_FAILS(bcml_idx_read(o.b, o.n, "img.idx", &a, &err), BCML_EFORMAT, "bad magic");
    free(o.b);
    unsigned char huge[16] = {0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1};
    CHECK_FAILS(bcml_idx_read(huge, 16, "huge.idx", &a, &err), BCML_EFORMAT, "huge.idx");
    CHECK(a.data == NULL);
}

static const char *const SL[1] = {"band"};

static void test_csv(void) {
    const char *train = "\xEF\xBB\xBFid,age,job,band,income\r\n"
                        "1,20,\"a, b\",young,no\r\n"
                        "2,40,c,old,yes\r\n"
                        "\n"
                        "3,60,\"say \"\"hi\"\"\",old,no\r\n";
    bcml_csv_options o = {"income", "id", SL, 1, NULL, 0, ','};
    bcml_table t;
    bcml_encoder *enc = NULL;
    CHECK_OK(bcml_csv_read(train, strlen(train), "train.csv", &o, NULL, &t, &enc, &err));
    CHECK(t.n == 3 && t.dim == 4 && t.num_classes == 2); /* age + 3 job categories */
    CHECK(t.ids && t.ids[2] == 3);
    CHECK(strcmp(t.class_names[0], "no") == 0 && t.y[1] == 1);
    CHECK_NEAR(t.x[0], (20 - 40) / sqrt(800.0 / 3), 1e-6); /* standardised with the population std */
    CHECK(strcmp(t.feature_names[1], "job=a, b") == 0 && t.x[1] == 1.0f && t.x[2] == 0.0f);
    CHECK(strcmp(t.feature_names[3], "job=say \"hi\"") == 0 && t.x[2 * 4 + 3] == 1.0f);
    CHECK(t.num_slices == 1 && t.slices[0].num_values == 2 && strcmp(t.slices[0].names[t.slices[0].value[0]], "young") == 0);
    bcml_table_free(&t);
    /* the test split: encoded with the training split's numbers; an unseen category is all zeros */
    const char *test = "income,band,job,age,id\nyes,old,zzz,40,9\n";
    CHECK_OK(bcml_csv_read(test, strlen(test), "test.csv", &o, enc, &t, NULL, &err));
    CHECK(t.n == 1 && t.x[0] == 0.0f && t.x[1] == 0 && t.x[2] == 0 && t.x[3] == 0 && t.y[0] == 1 && t.ids[0] == 9);
    bcml_table_free(&t);
    char *json = NULL;
    bcml_encoder *again = NULL;
    CHECK_OK(bcml_encoder_to_json(enc, &json, &err));
    CHECK_OK(bcml_encoder_from_json(json, &again, &err));
    CHECK_OK(bcml_csv_read(test, strlen(test), "test.csv", &o, again, &t, NULL, &err));
    CHECK(t.dim == 4 && t.x[0] == 0.0f);
    bcml_table_free(&t);
    bcml_encoder_free(again);
    bcml_free(json);
    const char *unseen = "income,band,job,age,id\nmaybe,old,c,40,9\n";
    CHECK_FAILS(bcml_csv_read(unseen, strlen(unseen), "test.csv", &o, enc, &t, NULL, &err), BCML_EINVAL,
                "test.csv: line 2: label \"maybe\" is not one of the 2 classes");
    const char *extra = "income,band,job,age,id,new\nno,old,c,40,9,1\n";
    CHECK_FAILS(bcml_csv_read(extra, strlen(extra), "test.csv", &o, enc, &t, NULL, &err), BCML_EINVAL,
                "column \"new\" was not in the training split");
    bcml_encoder_free(enc);

    bcml_csv_options o2 = {"y", NULL, NULL, 0, NULL, 0, 0};
    struct { const char *text, *msg; } bad[] = {
        {"a,y\n1,0\n2\n", "bad.csv: line 3 has 1 fields, the header has 2"},
        {"a,y\n\"1,0\n", "line 2: a quoted field is never closed"},
        {"a,y\n1,0\n\xff\xfe,1\n", "not UTF-8 text (byte 8)"},
        {"a,y\nnan,0\n1,1\n", "line 2, column \"a\": nan is not a finite number"},
        {"a,a\n1,0\n", "names column \"a\" twice"},
        {"", "empty: no header row"},
        {"a,y\n", "a header but no data rows"},
        {"a,b\n1,0\n", "no label column \"y\" (columns: a, b)"},
        {"a,y\n\"1\"x,0\n", "text after a closing quote"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bcml_encoder *e2 = NULL;
        CHECK_FAILS(bcml_csv_read(bad[i].text, strlen(bad[i].text), "bad.csv", &o2, NULL, &t, &e2, &err), err.code ? err.code : BCML_EINVAL,
                    bad[i].msg);
        CHECK(e2 == NULL);
    }
    /* a numeric column with junk in it is named, not one-hot encoded into hundreds of columns */
    char big[8192] = "a,y\n";
    for (int i = 0; i < 60; i++) snprintf(big + strlen(big), sizeof big - strlen(big), "%d,0\n", i);
    strcat(big, "?,1\n");
    bcml_encoder *e3 = NULL;
    CHECK_FAILS(bcml_csv_read(big, strlen(big), "num.csv", &o2, NULL, &t, &e3, &err), BCML_EINVAL,
                "column \"a\" is numbers except \"?\" at line 62");
    const char *ids = "id,a,y\nx1,1,0\n";
    bcml_csv_options o3 = {"y", "id", NULL, 0, NULL, 0, 0};
    CHECK_FAILS(bcml_csv_read(ids, strlen(ids), "ids.csv", &o3, NULL, &t, &e3, &err), BCML_EINVAL,
                "line 2: id \"x1\" is not a whole number");
    const char *semi = "a;y\n1;0\n2;1\n";
    bcml_csv_options o4 = {"y", NULL, NULL, 0, NULL, 0, ';'};
    CHECK_OK(bcml_csv_read(semi, strlen(semi), "semi.csv", &o4, NULL, &t, &e3, &err));
    CHECK(t.n == 2 && t.dim == 1);
    bcml_table_free(&t);
    bcml_encoder_free(e3);

    /* blanks around cells go, also before a skipped empty line; integers and other numbers read alike */
    const char *spaced = "a ,y,c\n 007 ,0, x \n\n-0,1,\t\ty\n12345678901234567,1,x\n";
    CHECK_OK(bcml_csv_read(spaced, strlen(spaced), "spaced.csv", &o2, NULL, &t, &e3, &err));
    CHECK(t.n == 3 && t.dim == 3 && strcmp(t.feature_names[1], "c=x") == 0 && strcmp(t.feature_names[2], "c=y") == 0);
    CHECK(t.x[1] == 1.0f && t.x[3 + 2] == 1.0f && t.x[6 + 1] == 1.0f);
    double m = (7.0 + 0.0 + 12345678901234567.0) / 3; /* 17 digits: through strtod, rounded as it rounds */
    CHECK(t.x[0] == (float)((7.0 - m) / sqrt(((7.0 - m) * (7.0 - m) + m * m + (12345678901234567.0 - m) * (12345678901234567.0 - m)) / 3)));
    bcml_table_free(&t);
    bcml_encoder_free(e3);

    /* an encoding file: classes in any order; a category or class listed twice is refused */
    const char *enc_json = "{\"label\":\"y\",\"classes\":[\"z\",\"a\"],\"columns\":[{\"name\":\"c\",\"categories\":[\"q\",\"p\"]}]}";
    CHECK_OK(bcml_encoder_from_json(enc_json, &e3, &err));
    const char *cz = "c,y\np,a\nq,z\n";
    CHECK_OK(bcml_csv_read(cz, strlen(cz), "cz.csv", &o2, e3, &t, NULL, &err));
    CHECK(t.y[0] == 1 && t.y[1] == 0 && t.x[0] == 1.0f && t.x[1] == 0.0f && t.x[3] == 1.0f);
    bcml_table_free(&t);
    bcml_encoder_free(e3);
    CHECK_FAILS(bcml_encoder_from_json("{\"label\":\"y\",\"classes\":[\"a\"],\"columns\":[{\"name\":\"c\",\"categories\":[\"q\",\"p\",\"q\"]}]}",
                                       &e3, &err), BCML_EFORMAT, "column \"c\" lists category \"q\" twice");
    CHECK_FAILS(bcml_encoder_from_json("{\"label\":\"y\",\"classes\":[\"a\",\"b\",\"a\"],\"columns\":[]}", &e3, &err), BCML_EFORMAT,
                "class \"a\" is listed twice");
}

static void test_png(void) {
    float px[2 * 3];
    for (int i = 0; i < 6; i++) px[i] = (float)i;
    unsigned char *png = NULL;
    size_t len = 0;
    CHECK_OK(bcml_png_thumbnail(px, 1, 2, 3, 4, 0, 0, &png, &len, &err));
    CHECK(len > 33 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    CHECK(png && png[16 + 3] == 12 && png[20 + 3] == 8); /* IHDR width 12, height 8 */
    bcml_free(png);
    CHECK_FAILS(bcml_png_thumbnail(px, 2, 2, 3, 1, 0, 0, &png, &len, &err), BCML_EINVAL, "1 or 3 channels");
}

static void test_slices(void) {
    const char *vals[5] = {"10", "9", "10", "100", "9"};
    bcml_slice_column c;
    CHECK_OK(bcml_slice_column_build("age", vals, 5, &c, &err));
    CHECK(c.num_values == 3 && strcmp(c.names[0], "9") == 0 && strcmp(c.names[2], "100") == 0); /* numeric order */
    CHECK(c.value[0] == 1 && c.value[3] == 2 && c.value[4] == 0);
    bcml_slice_column_free(&c);
    /* one number however written, named by its first spelling in text order; texts sort as text */
    const char *same[4] = {"1.0", "2", "1", "01"};
    CHECK_OK(bcml_slice_column_build("n", same, 4, &c, &err));
    CHECK(c.num_values == 2 && strcmp(c.names[0], "01") == 0 && c.value[0] == 0 && c.value[2] == 0 && c.value[1] == 1);
    bcml_slice_column_free(&c);
    const char *text[4] = {"b", "a", NULL, "b"};
    CHECK_OK(bcml_slice_column_build("t", text, 4, &c, &err));
    CHECK(c.num_values == 3 && strcmp(c.names[0], "") == 0 && c.value[0] == 2 && c.value[1] == 1 && c.value[2] == 0 && c.value[3] == 2);
    bcml_slice_column_free(&c);
    /* many values: the hash table grows; more than 100000 distinct values are refused */
    enum { MANY = 100001 };
    char (*buf)[8] = malloc(MANY * sizeof *buf);
    const char **many = malloc(MANY * sizeof *many);
    for (int i = 0; i < MANY; i++) snprintf(buf[i], sizeof buf[i], "v%d", i % 100000), many[i] = buf[i];
    CHECK_OK(bcml_slice_column_build("m", many, MANY, &c, &err));
    CHECK(c.num_values == 100000 && c.value[100000] == c.value[0] && strcmp(c.names[c.value[99999]], "v99999") == 0);
    bcml_slice_column_free(&c);
    snprintf(buf[MANY - 1], sizeof buf[0], "w");
    CHECK_FAILS(bcml_slice_column_build("m", many, MANY, &c, &err), BCML_EINVAL, "more than 100000 distinct values");
    free(many);
    free(buf);
}

int main(void) {
    test_npy();
    test_npz();
    test_idx();
    test_csv();
    test_png();
    test_slices();
    return check_report("formats");
}
