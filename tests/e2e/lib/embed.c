/*
 * embed.c -- a program that embeds libmoderato the way a service would: built
 * against the installed header and pkg-config file, it loads the shipped
 * model, scores two texts and checks the spam one scores higher.
 */
#include <moderato.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    mo_model *m;
    mo_diag d;
    int rc = mo_model_load(argv[1], &m, &d);
    if (rc != MO_OK) {
        fprintf(stderr, "%s: %s\n", mo_err_name(rc), d.msg);
        return 1;
    }
    mo_model_scratch *s;
    if (mo_model_scratch_new(m, &s) != MO_OK)
        return 1;
    size_t n = mo_model_n_labels(m), spam = n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(mo_model_label(m, i), "spam"))
            spam = i;
    float a[16], b[16];
    const char *t1 = "WIN a FREE iphone!!! click my profile link to claim your prize now";
    const char *t2 = "the bridge in this song is so beautiful";
    if (spam == n || n > 16 || mo_model_predict(m, s, t1, strlen(t1), a, NULL) != MO_OK ||
        mo_model_predict(m, s, t2, strlen(t2), b, NULL) != MO_OK)
        return 1;
    printf("moderato %s: spam %.3f vs %.3f\n", mo_version(), a[spam], b[spam]);
    mo_model_scratch_free(s);
    mo_model_free(m);
    return a[spam] > 0.5f && b[spam] < 0.5f ? 0 : 1;
}
